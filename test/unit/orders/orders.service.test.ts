import { beforeEach, describe, expect, it } from "vitest";
import { type Customer, OrdersService } from "../../../src/domains/orders/orders.service";
import { MAX_OPEN_ORDERS } from "../../../src/domains/orders/orders.values";
import type { ProductRecord } from "../../../src/domains/products/products.repository";
import { ProductsService } from "../../../src/domains/products/products.service";
import type { Clock } from "../../../src/lib/clock";
import { FakeProductsRepository } from "../../fakes/products";
import { FakeLimiter } from "../../fakes/rate-limit";
import { changed, FakeUnitOfWork, fakeStatement, mapSnapshot } from "../../fakes/unit-of-work";
import { FakeOrderMail, FakeOrdersRepository, FakeUsers } from "./fakes";

const NOW = "2026-11-21T10:00:00.000Z";

describe("OrdersService", () => {
  let products: FakeProductsRepository;
  let orders: FakeOrdersRepository;
  let outbox: FakeOrderMail;
  let users: FakeUsers;
  let unitOfWork: FakeUnitOfWork;
  /** Stands for the caller's own records (the Idempotency-Key's) committed with an order. */
  let callerRecords: Map<string, string>;
  let service: OrdersService;
  let placeLimiter: FakeLimiter;
  let now: Date;
  const clock: Clock = { now: () => now };
  const alice: Customer = {
    id: "alice",
    email: "alice@example.com",
    tier: "standard",
    role: "customer",
  };
  const bob: Customer = { id: "bob", email: "bob@example.com", tier: "standard", role: "customer" };
  const admin = { id: "admin", role: "admin" as const };
  const asActor = (customer: Customer) => ({ id: customer.id, role: "customer" as const });
  let skuSequence = 0;

  function addProduct(overrides: Partial<ProductRecord> = {}): ProductRecord {
    skuSequence += 1;
    const product: ProductRecord = {
      id: `p${skuSequence}`,
      sku: `SKU-${skuSequence}`,
      name: `Product ${skuSequence}`,
      description: "",
      priceCents: 1000,
      currency: "USD",
      stock: 10,
      version: 1,
      archivedAt: null,
      createdAt: NOW,
      updatedAt: NOW,
      ...overrides,
    };
    products.rows.set(product.id, product);
    return product;
  }

  const stockOf = (id: string) => products.rows.get(id)?.stock;

  /** Everything a placement writes, to assert that a refused one wrote nothing. */
  const written = () => ({
    orders: orders.rows.size,
    mail: outbox.rows.size,
    stock: [...products.rows.values()].map((p) => p.stock),
  });

  beforeEach(() => {
    now = new Date(NOW);
    products = new FakeProductsRepository();
    orders = new FakeOrdersRepository();
    outbox = new FakeOrderMail();
    users = new FakeUsers();
    callerRecords = new Map();
    const callerStore = { snapshot: () => mapSnapshot(callerRecords) };
    unitOfWork = new FakeUnitOfWork([products, orders, outbox, callerStore]);
    placeLimiter = new FakeLimiter(30);
    service = new OrdersService({
      orders,
      products: new ProductsService(products, clock),
      users,
      mail: outbox,
      placeLimiter,
      unitOfWork,
      clock,
    });
  });

  describe("place", () => {
    it("writes the order with snapshotted lines, takes the stock and queues the email, in one batch", async () => {
      const mug = addProduct({ name: "Blue mug", priceCents: 1250, stock: 5 });
      const tea = addProduct({ name: "Tea", priceCents: 399, stock: 2 });
      const { order, mail } = await service.place(alice, [
        { productId: mug.id, quantity: 2 },
        { productId: tea.id, quantity: 2 },
      ]);

      expect(order).toMatchObject({
        userId: "alice",
        status: "placed",
        subtotalCents: 3298,
        discountCents: 0,
        totalCents: 3298,
        currency: "USD",
        createdAt: NOW,
        updatedAt: NOW,
      });
      expect(order.items).toEqual([
        {
          productId: mug.id,
          sku: mug.sku,
          name: "Blue mug",
          unitPriceCents: 1250,
          quantity: 2,
          lineTotalCents: 2500,
        },
        {
          productId: tea.id,
          sku: tea.sku,
          name: "Tea",
          unitPriceCents: 399,
          quantity: 2,
          lineTotalCents: 798,
        },
      ]);
      expect(unitOfWork.committed).toBe(1);
      expect(stockOf(mug.id)).toBe(3);
      expect(stockOf(tea.id)).toBe(0);
      expect(await service.get(asActor(alice), order.id)).toEqual(order);
      expect(mail).toHaveLength(1);
      expect(outbox.rows.get(mail[0] as string)).toMatchObject({
        template: "order_confirmation",
        to: "alice@example.com",
        data: { order_id: order.id, total_cents: 3298, currency: "USD" },
      });
    });

    it("gives premium customers a tenth off, rounded down to the cent", async () => {
      const product = addProduct({ priceCents: 1999 });
      const { order } = await service.place({ ...alice, tier: "premium" }, [
        { productId: product.id, quantity: 1 },
      ]);
      expect(order).toMatchObject({ subtotalCents: 1999, discountCents: 199, totalCents: 1800 });
    });

    it("an unknown or archived product is product_not_found, and nothing is written", async () => {
      const product = addProduct();
      const archived = addProduct({ archivedAt: NOW });
      const before = written();
      for (const productId of ["missing", archived.id]) {
        await expect(
          service.place(alice, [
            { productId: product.id, quantity: 1 },
            { productId, quantity: 1 },
          ]),
        ).rejects.toMatchObject({ code: "product_not_found" });
      }
      expect(written()).toEqual(before);
      expect(unitOfWork.committed + unitOfWork.rolledBack).toBe(0);
    });

    it("short stock is out_of_stock naming every short product, and nothing is written", async () => {
      const mug = addProduct({ name: "Blue mug", stock: 1 });
      const tea = addProduct({ name: "Tea", stock: 5 });
      const cup = addProduct({ name: "Cup", stock: 0 });
      const before = written();
      const placing = service.place(alice, [
        { productId: mug.id, quantity: 3 },
        { productId: tea.id, quantity: 5 },
        { productId: cup.id, quantity: 1 },
      ]);
      await expect(placing).rejects.toMatchObject({
        code: "out_of_stock",
        message:
          "Not enough stock for 'Blue mug' (asked 3, have 1); Not enough stock for 'Cup' (asked 1, have 0)",
      });
      expect(written()).toEqual(before);
    });

    it("stock taken between the read and the batch aborts the whole batch as out_of_stock", async () => {
      const mug = addProduct({ name: "Blue mug", stock: 5 });
      const tea = addProduct({ name: "Tea", stock: 5 });
      unitOfWork.beforeCommit = () => {
        const row = products.rows.get(tea.id) as ProductRecord;
        products.rows.set(tea.id, { ...row, stock: 1 });
        unitOfWork.beforeCommit = undefined;
      };
      const placing = service.place(alice, [
        { productId: mug.id, quantity: 2 },
        { productId: tea.id, quantity: 2 },
      ]);
      await expect(placing).rejects.toMatchObject({
        code: "out_of_stock",
        message: "Not enough stock for 'Tea' (asked 2, have 1)",
      });
      expect(unitOfWork.rolledBack).toBe(1);
      expect(stockOf(mug.id)).toBe(5);
      expect(orders.rows.size + outbox.rows.size).toBe(0);
    });

    it("a product archived between the read and the batch aborts it as product_not_found", async () => {
      const mug = addProduct({ stock: 5 });
      unitOfWork.beforeCommit = () => {
        const row = products.rows.get(mug.id) as ProductRecord;
        products.rows.set(mug.id, { ...row, archivedAt: NOW });
      };
      await expect(
        service.place(alice, [{ productId: mug.id, quantity: 1 }]),
      ).rejects.toMatchObject({ code: "product_not_found" });
      expect(stockOf(mug.id)).toBe(5);
      expect(orders.rows.size).toBe(0);
    });

    it("commits the caller's statements with the order, and rolls them back with it", async () => {
      const mug = addProduct({ stock: 1 });
      const record = (orderId: string) =>
        fakeStatement(() => {
          callerRecords.set(orderId, "response");
          return changed(1);
        });
      const { order } = await service.place(alice, [{ productId: mug.id, quantity: 1 }], (o) => [
        record(o.id),
      ]);
      expect([...callerRecords.keys()]).toEqual([order.id]);

      products.rows.set(mug.id, { ...(products.rows.get(mug.id) as ProductRecord), stock: 1 });
      unitOfWork.beforeCommit = () => {
        products.rows.set(mug.id, { ...(products.rows.get(mug.id) as ProductRecord), stock: 0 });
      };
      await expect(
        service.place(alice, [{ productId: mug.id, quantity: 1 }], (o) => [record(o.id)]),
      ).rejects.toMatchObject({ code: "out_of_stock" });
      expect([...callerRecords.keys()]).toEqual([order.id]);
    });

    it("a batch that fails for another reason is not reported as out_of_stock", async () => {
      const mug = addProduct({ stock: 1 });
      const failure = new Error("D1 is unavailable");
      const broken = fakeStatement(() => {
        throw failure;
      });
      // Someone buys the mug after the batch failed: a re-read would find it short.
      const read = products.findCatalogByIds.bind(products);
      let reads = 0;
      products.findCatalogByIds = async (ids: string[]) => {
        reads += 1;
        if (reads === 2)
          products.rows.set(mug.id, { ...(products.rows.get(mug.id) as ProductRecord), stock: 0 });
        return read(ids);
      };
      await expect(
        service.place(alice, [{ productId: mug.id, quantity: 1 }], () => [broken]),
      ).rejects.toBe(failure);
    });

    it.each([
      ["no lines", [], "items"],
      ["a zero quantity", [{ productId: "p", quantity: 0 }], "items.0.quantity"],
      ["a fractional quantity", [{ productId: "p", quantity: 1.5 }], "items.0.quantity"],
      ["over 1000", [{ productId: "p", quantity: 1001 }], "items.0.quantity"],
      [
        "a repeated product",
        [
          { productId: "p", quantity: 1 },
          { productId: "p", quantity: 2 },
        ],
        "items.1.product_id",
      ],
    ])("refuses %s before reading anything", async (_name, lines, path) => {
      await expect(service.place(alice, lines)).rejects.toMatchObject({
        code: "validation_failed",
        errors: [expect.objectContaining({ path })],
      });
    });

    it("a customer holds at most 20 placed orders: the 21st is too_many_open_orders, nothing written", async () => {
      const mug = addProduct({ stock: 100 });
      const line = [{ productId: mug.id, quantity: 1 }];
      for (let i = 0; i < MAX_OPEN_ORDERS; i += 1) await service.place(alice, line);
      const before = written();
      await expect(service.place(alice, line)).rejects.toMatchObject({
        code: "too_many_open_orders",
      });
      expect(written()).toEqual(before);
      // Others are not affected; a cancelled order frees a place.
      await service.place(bob, line);
      const [first] = [...orders.rows.values()].filter((o) => o.userId === "alice");
      await service.cancel(asActor(alice), first?.id ?? "");
      await service.place(alice, line);
    });

    it("admins are not capped", async () => {
      const mug = addProduct({ stock: 100 });
      const boss: Customer = { ...alice, id: "boss", role: "admin" };
      for (let i = 0; i <= MAX_OPEN_ORDERS; i += 1) {
        await service.place(boss, [{ productId: mug.id, quantity: 1 }]);
      }
      expect([...orders.rows.values()].filter((o) => o.userId === "boss")).toHaveLength(21);
    });

    it("counts each placement against the customer's rate limit before reading anything", async () => {
      const mug = addProduct();
      await service.place(alice, [{ productId: mug.id, quantity: 1 }]);
      expect(placeLimiter.keys).toEqual(["alice"]);
      for (let i = 1; i < 30; i += 1) placeLimiter.keys.push("alice");
      const before = written();
      await expect(
        service.place(alice, [{ productId: mug.id, quantity: 1 }]),
      ).rejects.toMatchObject({ code: "rate_limited" });
      expect(written()).toEqual(before);
    });

    it("refuses 51 lines", async () => {
      const lines = Array.from({ length: 51 }, (_, i) => ({ productId: `p${i}`, quantity: 1 }));
      await expect(service.place(alice, lines)).rejects.toMatchObject({
        errors: [expect.objectContaining({ path: "items" })],
      });
    });

    it("refuses products in different currencies as mixed_currency", async () => {
      const usd = addProduct({ currency: "USD" });
      const eur = addProduct({ currency: "EUR" });
      await expect(
        service.place(alice, [
          { productId: usd.id, quantity: 1 },
          { productId: eur.id, quantity: 1 },
        ]),
      ).rejects.toMatchObject({ code: "mixed_currency", errors: [{ path: "items.1.product_id" }] });
      expect(orders.rows.size).toBe(0);
    });
  });

  describe("state machine", () => {
    async function placed(customer = alice, quantity = 2) {
      const product = addProduct({ stock: 10 });
      const { order } = await service.place(customer, [{ productId: product.id, quantity }]);
      now = new Date("2026-11-21T11:00:00.000Z");
      return { order, product };
    }

    it("placed → cancelled returns the stock, for the owner", async () => {
      const { order, product } = await placed();
      expect(stockOf(product.id)).toBe(8);
      const cancelled = await service.cancel(asActor(alice), order.id);
      expect(cancelled).toMatchObject({ status: "cancelled", updatedAt: now.toISOString() });
      expect(stockOf(product.id)).toBe(10);
      expect((await orders.findById(order.id))?.status).toBe("cancelled");
    });

    it("an admin may cancel anyone's order", async () => {
      const { order, product } = await placed();
      await expect(service.cancel(admin, order.id)).resolves.toMatchObject({ status: "cancelled" });
      expect(stockOf(product.id)).toBe(10);
    });

    it("another customer cannot see or cancel the order: order_not_found", async () => {
      const { order, product } = await placed();
      await expect(service.get(asActor(bob), order.id)).rejects.toMatchObject({
        code: "order_not_found",
      });
      await expect(service.cancel(asActor(bob), order.id)).rejects.toMatchObject({
        code: "order_not_found",
      });
      expect(stockOf(product.id)).toBe(8);
    });

    it("cancelling twice is invalid_order_state and restocks once", async () => {
      const { order, product } = await placed();
      await service.cancel(asActor(alice), order.id);
      await expect(service.cancel(asActor(alice), order.id)).rejects.toMatchObject({
        code: "invalid_order_state",
      });
      expect(stockOf(product.id)).toBe(10);
    });

    it("a status change between the read and the batch aborts the batch: no restock", async () => {
      const { order, product } = await placed();
      unitOfWork.beforeCommit = () => {
        orders.rows.set(order.id, { ...order, status: "cancelled" });
        unitOfWork.beforeCommit = undefined;
      };
      await expect(service.cancel(asActor(alice), order.id)).rejects.toMatchObject({
        code: "invalid_order_state",
        message: "Only a placed order can be cancelled; this one is cancelled",
      });
      expect(unitOfWork.rolledBack).toBe(1);
      expect(stockOf(product.id)).toBe(8);
    });

    it("placed → fulfilled by an admin; then neither cancel nor fulfil applies", async () => {
      const { order, product } = await placed();
      await expect(service.fulfill(admin, order.id)).resolves.toMatchObject({
        status: "fulfilled",
      });
      await expect(service.cancel(asActor(alice), order.id)).rejects.toMatchObject({
        code: "invalid_order_state",
      });
      await expect(service.fulfill(admin, order.id)).rejects.toMatchObject({
        code: "invalid_order_state",
      });
      expect(stockOf(product.id)).toBe(8);
    });

    it("a cancelled order cannot be fulfilled", async () => {
      const { order } = await placed();
      await service.cancel(asActor(alice), order.id);
      await expect(service.fulfill(admin, order.id)).rejects.toMatchObject({
        code: "invalid_order_state",
      });
    });

    it("a customer cannot fulfil, not even their own order", async () => {
      const { order } = await placed();
      await expect(service.fulfill(asActor(alice), order.id)).rejects.toMatchObject({
        code: "forbidden",
      });
      expect((await orders.findById(order.id))?.status).toBe("placed");
    });
  });

  describe("list", () => {
    async function placeAt(customer: Customer, iso: string) {
      now = new Date(iso);
      const product = addProduct();
      return (await service.place(customer, [{ productId: product.id, quantity: 1 }])).order;
    }

    it("customers get their own orders, newest first, page by page", async () => {
      const a1 = await placeAt(alice, "2026-11-21T10:00:00.000Z");
      await placeAt(bob, "2026-11-21T10:30:00.000Z");
      const a2 = await placeAt(alice, "2026-11-21T11:00:00.000Z");
      const a3 = await placeAt(alice, "2026-11-21T12:00:00.000Z");
      const first = await service.list(asActor(alice), { limit: 2 });
      expect(first.items.map((o) => o.id)).toEqual([a3.id, a2.id]);
      expect(first.items[0]?.items).toHaveLength(1);
      const second = await service.list(asActor(alice), {
        limit: 2,
        cursor: first.nextCursor ?? "",
      });
      expect(second.items.map((o) => o.id)).toEqual([a1.id]);
      expect(second.nextCursor).toBeNull();
    });

    it("a customer asking for another user's orders is forbidden; their own id is fine", async () => {
      await placeAt(alice, NOW);
      await expect(service.list(asActor(alice), { limit: 5, userId: "bob" })).rejects.toMatchObject(
        { code: "forbidden" },
      );
      const own = await service.list(asActor(alice), { limit: 5, userId: "alice" });
      expect(own.items).toHaveLength(1);
    });

    it("admins get every order, or one user's, filtered by status", async () => {
      const a = await placeAt(alice, "2026-11-21T10:00:00.000Z");
      const b = await placeAt(bob, "2026-11-21T11:00:00.000Z");
      await service.cancel(admin, a.id);
      expect((await service.list(admin, { limit: 5 })).items.map((o) => o.id)).toEqual([
        b.id,
        a.id,
      ]);
      expect((await service.list(admin, { limit: 5, userId: "bob" })).items).toHaveLength(1);
      const cancelled = await service.list(admin, { limit: 5, status: "cancelled" });
      expect(cancelled.items.map((o) => [o.id, o.status])).toEqual([[a.id, "cancelled"]]);
    });

    it("listForUser checks that the user exists", async () => {
      users.ids.add("alice");
      await placeAt(alice, NOW);
      expect((await service.listForUser("alice", { limit: 5 })).items).toHaveLength(1);
      await expect(service.listForUser("nobody", { limit: 5 })).rejects.toMatchObject({
        code: "user_not_found",
      });
    });
  });
});
