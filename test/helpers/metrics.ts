import type { MetricsDataset } from "../../src/http/metrics";

/** An Analytics Engine dataset that keeps what it is given (the local binding drops it). */
export class RecordingDataset implements MetricsDataset {
  readonly points: AnalyticsEngineDataPoint[] = [];

  writeDataPoint(point?: AnalyticsEngineDataPoint): void {
    if (point) this.points.push(point);
  }

  /** The only point written; fails the test when there is not exactly one. */
  only(): AnalyticsEngineDataPoint {
    if (this.points.length !== 1)
      throw new Error(`expected 1 data point, got ${this.points.length}`);
    return this.points[0] as AnalyticsEngineDataPoint;
  }
}
