// The one way the portal talks to the service: /v2 over fetch, JSON in and out, errors as ApiProblem.
// Wallet routes carry the SIWE bearer token, operator routes the X-API-Key header.
import { operatorKey, setWalletSession, walletSession } from '../session/store'
import { ApiProblem, type ProblemBody } from './problem'

export type Auth = 'none' | 'wallet' | 'operator'
type Query = Record<string, string | number | boolean | (string | number)[] | null | undefined>

interface RequestOptions {
  auth?: Auth
  query?: Query
  body?: unknown
  /** Sent as Idempotency-Key: a retry of the same action is answered once. */
  idempotencyKey?: string
  signal?: AbortSignal
}

let baseUrl = ''
export function setApiBase(url: string): void {
  baseUrl = url.replace(/\/$/, '')
}

export function queryString(query: Query | undefined): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === null || value === undefined || value === '') continue
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item))
  }
  const text = params.toString()
  return text ? `?${text}` : ''
}

function authHeaders(auth: Auth | undefined): Record<string, string> {
  if (auth === 'wallet') {
    const session = walletSession()
    if (!session) throw new ApiProblem(401, { title: 'Not signed in', detail: 'Sign in with your wallet first.' })
    return { Authorization: `Bearer ${session.token}` }
  }
  if (auth === 'operator') {
    const key = operatorKey()
    if (!key) throw new ApiProblem(401, { title: 'No operator key', detail: 'Enter an operator API key first.' })
    return { 'X-API-Key': key }
  }
  return {}
}

async function problemOf(reply: Response, auth: Auth | undefined): Promise<ApiProblem> {
  const text = await reply.text()
  const data: unknown = text ? safeJson(text) : undefined
  const body = (typeof data === 'object' && data !== null ? data : { detail: text.slice(0, 300) }) as ProblemBody
  if (reply.status === 401 && auth === 'wallet') setWalletSession(null) // the token is no good
  return new ApiProblem(reply.status, body)
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json, application/problem+json',
    ...authHeaders(options.auth),
  }
  if (options.body !== undefined) headers['Content-Type'] = 'application/json'
  if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey
  const reply = await fetch(`${baseUrl}${path}${queryString(options.query)}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  })
  if (!reply.ok) throw await problemOf(reply, options.auth)
  if (reply.status === 204) return undefined as T
  const text = await reply.text()
  return (text ? safeJson(text) : undefined) as T
}

export interface FetchedFile {
  blob: Blob
  filename: string
  headers: Headers
}

/** A file the API answers to an authenticated request (a statement as CSV or PDF, a signed report): a
 * plain link cannot carry the bearer token or the API key, so the portal fetches it and saves it. */
export async function fetchFile(
  path: string,
  options: { auth: Auth; query?: Query; accept: string; fallbackName: string },
): Promise<FetchedFile> {
  const headers = { Accept: `${options.accept}, application/problem+json`, ...authHeaders(options.auth) }
  const reply = await fetch(`${baseUrl}${path}${queryString(options.query)}`, { headers })
  if (!reply.ok) throw await problemOf(reply, options.auth)
  const disposition = reply.headers.get('Content-Disposition') ?? ''
  const named = /filename="?([^";]+)"?/.exec(disposition)?.[1]
  return { blob: await reply.blob(), filename: named ?? options.fallbackName, headers: reply.headers }
}

/** Hands a fetched file to the browser as a download. */
export function saveFile(file: FetchedFile): void {
  const url = URL.createObjectURL(file.blob)
  const link = document.createElement('a')
  link.href = url
  link.download = file.filename
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 30_000)
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return { detail: text.slice(0, 300) }
  }
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions, 'body'>) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>) =>
    request<T>('POST', path, { ...options, body }),
  patch: <T>(path: string, body: unknown, options?: Omit<RequestOptions, 'body'>) =>
    request<T>('PATCH', path, { ...options, body }),
}

/** A fresh key for one user action; keep it while the same action is retried. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID()
}
