import type { Statement } from "../../../src/db/unit-of-work";
import type { OrderLine } from "../../../src/domains/orders/orders.pricing";
import type {
  OrderFilter,
  OrderRecord,
  OrdersRepository,
} from "../../../src/domains/orders/orders.repository";
import type { OrderMail } from "../../../src/domains/orders/orders.service";
import type { OrderStatus } from "../../../src/domains/orders/orders.values";
import { UserNotFoundError } from "../../../src/domains/users/users.errors";
import type { PageRequest } from "../../../src/lib/cursor";
import { changed, fakeStatement, mapSnapshot, type Transactional } from "../../fakes/unit-of-work";

/** What the CHECK on orders.status does to a batch whose transition no longer applies. */
export class FakeRefusedTransition extends Error {}
/** What the same CHECK does to a placement over the open-orders cap. */
export class FakeOverOpenOrders extends Error {}

export class FakeOrdersRepository implements OrdersRepository, Transactional {
  readonly rows = new Map<string, OrderRecord>();
  readonly lines = new Map<string, OrderLine[]>();

  insert(order: OrderRecord, lines: OrderLine[], maxOpen?: number): Statement[] {
    return [
      fakeStatement(() => {
        const open = [...this.rows.values()].filter(
          (row) => row.userId === order.userId && row.status === "placed",
        ).length;
        if (maxOpen !== undefined && open >= maxOpen) throw new FakeOverOpenOrders();
        this.rows.set(order.id, { ...order });
        return changed(1);
      }),
      fakeStatement(() => {
        this.lines.set(
          order.id,
          lines.map((line) => ({ ...line })),
        );
        return changed(lines.length);
      }),
    ];
  }

  async findById(id: string) {
    return this.rows.get(id) ?? null;
  }

  async list(filter: OrderFilter, page: PageRequest) {
    const key = (o: OrderRecord) => `${o.createdAt}|${o.id}`;
    const cursor = page.cursor ? `${page.cursor.value}|${page.cursor.id}` : undefined;
    return [...this.rows.values()]
      .filter((o) => filter.userId === undefined || o.userId === filter.userId)
      .filter((o) => filter.status === undefined || o.status === filter.status)
      .filter((o) => cursor === undefined || key(o) <= cursor)
      .sort((a, b) => (key(a) < key(b) ? 1 : -1))
      .slice(0, page.limit + 1);
  }

  async findWithLines(id: string) {
    const record = this.rows.get(id);
    return record ? { ...record, items: this.lines.get(id) ?? [] } : null;
  }

  async listWithLines(filter: OrderFilter, page: PageRequest) {
    const rows = await this.list(filter, page);
    return rows.map((o) => ({ ...o, items: this.lines.get(o.id) ?? [] }));
  }

  transition(id: string, from: OrderStatus, to: OrderStatus, at: string): Statement {
    return fakeStatement(() => {
      const row = this.rows.get(id);
      if (!row) return changed(0);
      if (row.status !== from) throw new FakeRefusedTransition(`${row.status} is not ${from}`);
      this.rows.set(id, { ...row, status: to, updatedAt: at });
      return changed(1);
    });
  }

  isRefusedTransition(error: unknown): boolean {
    return error instanceof FakeRefusedTransition;
  }

  isOverOpenOrders(error: unknown): boolean {
    return error instanceof FakeOverOpenOrders;
  }

  isMissingProduct(_error: unknown): boolean {
    return false;
  }

  snapshot() {
    const rows = mapSnapshot(this.rows);
    const lines = mapSnapshot(this.lines);
    return () => {
      rows();
      lines();
    };
  }
}

export type SentMail = { id: string; template: string; to: string; data: unknown };

/** The outbox as the orders service sees it: rows appear only when their batch commits. */
export class FakeOrderMail implements OrderMail, Transactional {
  readonly rows = new Map<string, SentMail>();
  private sequence = 0;

  compose: OrderMail["compose"] = async (template, to, data) => {
    this.sequence += 1;
    const id = `mail-${this.sequence}`;
    const statement = fakeStatement(() => {
      this.rows.set(id, { id, template, to, data });
      return changed(1);
    });
    return { id, statement };
  };

  snapshot() {
    return mapSnapshot(this.rows);
  }
}

export class FakeUsers {
  readonly ids = new Set<string>();

  async getById(userId: string) {
    if (!this.ids.has(userId)) throw new UserNotFoundError();
    return { id: userId };
  }
}
