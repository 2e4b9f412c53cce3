// The HTTP API (docs/openapi.yaml): the session token from sign-in goes in the Authorization
// header; every refusal becomes an ApiError carrying the server's stable code.
import { t, has } from "./i18n.js";

const TOKEN_KEY = "parta.token";

export function token() { return localStorage.getItem(TOKEN_KEY); }
export function setToken(value) {
  if (value) localStorage.setItem(TOKEN_KEY, value); else localStorage.removeItem(TOKEN_KEY);
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.error || (status === 0 ? "network" : "http_error");
    this.details = body?.details || {};
  }
}

/** Listeners for a session that the server no longer knows (401): the app goes to sign-in. */
const unauthorizedListeners = new Set();
export function onUnauthorized(fn) { unauthorizedListeners.add(fn); }

/** Calls the API; JSON in and out. `query` values that are empty are left out. */
export async function api(method, path, { body, query } = {}) {
  let url = `/api/v1${path}`;
  if (query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
    }
    const text = params.toString();
    if (text) url += `?${text}`;
  }
  const headers = { Accept: "application/json" };
  const current = token();
  if (current) headers.Authorization = `Bearer ${current}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, null);
  }
  const text = await response.text();
  let data = null;
  if (text) { try { data = JSON.parse(text); } catch { data = null; } }
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (response.status === 401 && current) unauthorizedListeners.forEach((fn) => fn(error));
    if (response.status === 429 && error.details.retry_after === undefined) {
      const retry = Number(response.headers.get("Retry-After"));
      if (retry) error.details.retry_after = retry;
    }
    throw error;
  }
  return data;
}

export const get = (path, query) => api("GET", path, { query });
export const post = (path, body) => api("POST", path, { body: body ?? {} });
export const patch = (path, body) => api("PATCH", path, { body });
export const del = (path) => api("DELETE", path);

/** A sentence for a person: the translation of the server's code, else its own message. */
export function errorText(error) {
  if (!(error instanceof ApiError)) return t("error.unexpected");
  const key = `error.${error.code}`;
  if (has(key)) return t(key, { ...error.details, count: error.details.attempts_left ?? error.details.retry_after ?? 0 });
  return error.message || t("error.unexpected");
}

/**
 * Sends a file as the raw request body to an API path, reporting progress (0…1) as it goes;
 * XMLHttpRequest because fetch cannot report upload progress. Resolves with the JSON answer;
 * refusals reject with an ApiError like api() (details such as an import's problems included).
 */
export function sendFile(path, file, { contentType, onProgress } = {}) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", `/api/v1${path}`);
    request.setRequestHeader("Authorization", `Bearer ${token()}`);
    request.setRequestHeader("Content-Type", contentType || file.type || "application/octet-stream");
    request.upload.onprogress = (event) => { if (event.lengthComputable && onProgress) onProgress(event.loaded / event.total); };
    request.onload = () => {
      let data = null;
      try { data = JSON.parse(request.responseText); } catch { data = null; }
      if (request.status >= 200 && request.status < 300) { resolve(data); return; }
      const error = new ApiError(request.status, data);
      if (request.status === 401) unauthorizedListeners.forEach((fn) => fn(error));
      reject(error);
    };
    request.onerror = () => reject(new ApiError(0, null));
    request.send(file);
  });
}

/** Uploads a message attachment (POST /api/v1/attachments). */
export function upload(file, onProgress) {
  return sendFile(`/attachments?name=${encodeURIComponent(file.name)}`, file, { onProgress });
}

/** Downloads a protected file (attachments need the token) as an object URL. */
export async function blobURL(path) {
  const response = await fetch(`/api/v1${path}`, { headers: { Authorization: `Bearer ${token()}` } });
  if (!response.ok) throw new ApiError(response.status, null);
  return URL.createObjectURL(await response.blob());
}
