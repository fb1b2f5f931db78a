// Seed section: a small, realistic catalog for local development.
import { v7 as uuidv7 } from "uuid";
import { insertSql } from "../lib/local-d1.mjs";

/** [sku, name, description, price_cents, stock] */
const CATALOG = [
  [
    "MUG-BLUE-350",
    "Blue mug",
    "Stoneware mug, 350 ml, glazed in cobalt blue. Dishwasher safe.",
    1400,
    42,
  ],
  ["MUG-WHITE-350", "White mug", "Stoneware mug, 350 ml, matte white glaze.", 1200, 60],
  [
    "TEA-SENCHA-100",
    "Sencha green tea",
    "Loose-leaf Japanese sencha, 100 g tin, spring harvest.",
    1850,
    25,
  ],
  [
    "TEA-ASSAM-250",
    "Assam breakfast tea",
    "Strong, malty black tea from Assam, 250 g bag.",
    1290,
    38,
  ],
  [
    "COF-ETH-250",
    "Ethiopia Yirgacheffe beans",
    "Single-origin whole coffee beans, light roast, 250 g.",
    1650,
    30,
  ],
  ["COF-COL-1000", "Colombia Huila beans", "Whole coffee beans, medium roast, 1 kg bag.", 3990, 12],
  [
    "GRN-BURR-01",
    "Hand burr grinder",
    "Conical steel burrs, 40 grind settings, fits in a travel kit.",
    7900,
    8,
  ],
  [
    "KTL-GOOSE-1L",
    "Gooseneck kettle",
    "1 l stovetop kettle with a thermometer in the lid.",
    5400,
    15,
  ],
  ["DRP-V60-02", "Ceramic dripper", "Size 02 pour-over dripper with spiral ribs.", 2600, 20],
  [
    "FLT-V60-100",
    "Paper filters (100)",
    "Unbleached paper filters for size 02 drippers.",
    650,
    200,
  ],
  ["PRS-FRENCH-1L", "French press", "Borosilicate glass and steel press, 1 l.", 3500, 18],
  ["SCL-DIGI-2K", "Coffee scale", "0.1 g resolution up to 2 kg, with a built-in timer.", 2900, 0],
  [
    "TWL-LINEN-2",
    "Linen tea towels (2)",
    "Pair of stonewashed linen towels, 50 x 70 cm.",
    2200,
    33,
  ],
  [
    "CAN-STEEL-500",
    "Airtight canister",
    "Stainless steel canister with a one-way valve, 500 g of beans.",
    2450,
    27,
  ],
  [
    "TMB-INSUL-470",
    "Insulated tumbler",
    "Double-wall tumbler, 470 ml, keeps drinks hot for 6 hours.",
    3100,
    40,
  ],
  ["SPN-MEAS-01", "Measuring spoon", "Walnut coffee scoop, one level scoop is 10 g.", 950, 75],
  ["CHO-DARK-70", "Dark chocolate 70%", "Single-origin bar from Peru, 80 g.", 550, 120],
  ["BIS-ALM-200", "Almond biscotti", "Twice-baked almond biscotti, 200 g box.", 790, 3],
  [
    "GFT-BOX-TEA",
    "Tea lover's gift box",
    "Sencha, Assam, a white mug and a linen towel in a gift box.",
    6200,
    10,
  ],
  ["CRD-GIFT-50", "Gift card $50", "Digital gift card, delivered by email.", 5000, 999],
];

/** @type {import("../seed.mjs").SeedSection} */
export default {
  name: "products",
  table: "products",
  sql() {
    const start = Date.now() - CATALOG.length * 60_000;
    const rows = CATALOG.map(([sku, name, description, priceCents, stock], index) => {
      // One minute apart, oldest first, so sorting by created_at (and by id) is stable.
      const createdMs = start + index * 60_000;
      const createdAt = new Date(createdMs).toISOString();
      return {
        id: uuidv7({ msecs: createdMs }),
        sku,
        name,
        description,
        price_cents: priceCents,
        currency: "USD",
        stock,
        version: 1,
        archived_at: null,
        created_at: createdAt,
        updated_at: createdAt,
      };
    });
    return insertSql("products", rows);
  },
};
