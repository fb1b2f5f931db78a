import type { Clock } from "../../src/lib/clock";

/** A clock tests set and move: services read time only through Clock. */
export class FakeClock implements Clock {
  constructor(private current = new Date("2026-11-21T10:00:00.000Z")) {}
  now(): Date {
    return new Date(this.current);
  }
  advanceSeconds(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}
