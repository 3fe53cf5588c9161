// keepalived's status_code list: single codes and inclusive ranges ("200-299 301 302"),
// default 200-299 when none is given (check_http.c).

export type StatusRanges = Array<[number, number]>;

export const DEFAULT_STATUS_RANGES: StatusRanges = [[200, 299]];

export const statusAccepted = (code: number, ranges: StatusRanges): boolean =>
  (ranges.length ? ranges : DEFAULT_STATUS_RANGES).some(([lo, hi]) => code >= lo && code <= hi);

export const formatStatusRanges = (ranges: StatusRanges): string =>
  (ranges.length ? ranges : DEFAULT_STATUS_RANGES).map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`)).join(' ');
