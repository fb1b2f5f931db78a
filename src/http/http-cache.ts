/**
 * Entity tags derived from a resource's `version` column, which every write bumps.
 * ETags are scoped to one URL, so the version alone identifies a representation.
 */
export function etagFor(version: number): string {
  return `"v${version}"`;
}

function listTags(header: string): string[] {
  return header.split(",").map((tag) => tag.trim());
}

const stripWeak = (tag: string) => tag.replace(/^W\//, "");

/** If-None-Match uses weak comparison (RFC 9110 §13.1.2). */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const tags = listTags(header);
  return tags.includes("*") || tags.some((tag) => stripWeak(tag) === stripWeak(etag));
}

/**
 * The versions an If-Match header accepts (strong comparison, RFC 9110 §13.1.1: a weak or
 * foreign tag matches nothing), or "*" for any current representation.
 */
export function versionsFromIfMatch(header: string): number[] | "*" {
  const tags = listTags(header);
  if (tags.includes("*")) return "*";
  return tags.flatMap((tag) => {
    const match = /^"v(\d+)"$/.exec(tag);
    return match ? [Number(match[1])] : [];
  });
}

export function httpDate(iso: string): string {
  return new Date(iso).toUTCString();
}
