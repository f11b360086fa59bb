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

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' }
  if (options.body !== undefined) headers['Content-Type'] = 'application/json'
  if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey
  if (options.auth === 'wallet') {
    const session = walletSession()
    if (!session) throw new ApiProblem(401, { title: 'Not signed in', detail: 'Sign in with your wallet first.' })
    headers.Authorization = `Bearer ${session.token}`
  } else if (options.auth === 'operator') {
    const key = operatorKey()
    if (!key) throw new ApiProblem(401, { title: 'No operator key', detail: 'Enter an operator API key first.' })
    headers['X-API-Key'] = key
  }
  const reply = await fetch(`${baseUrl}${path}${queryString(options.query)}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  })
  if (reply.status === 204) return undefined as T
  const text = await reply.text()
  const data: unknown = text ? safeJson(text) : undefined
  if (!reply.ok) {
    const body = (typeof data === 'object' && data !== null ? data : { detail: text.slice(0, 300) }) as ProblemBody
    if (reply.status === 401 && options.auth === 'wallet') setWalletSession(null) // the token is no good
    throw new ApiProblem(reply.status, body)
  }
  return data as T
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
}

/** A fresh key for one user action; keep it while the same action is retried. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID()
}
