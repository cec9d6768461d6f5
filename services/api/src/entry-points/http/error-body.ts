// The one shape of a non-field error answer: `detail` (the contract) and the same text as `message`, which the
// original web client shows (`data.message || "HTTP error! status: …"`). See ADR 0006.
export interface DetailBody {
  detail: string;
  message: string;
  code?: string;
}

export function detailBody(detail: string, code?: string): DetailBody {
  return code === undefined ? { detail, message: detail } : { detail, message: detail, code };
}
