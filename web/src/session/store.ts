// Credentials kept for this browser tab only (sessionStorage): the wallet's SIWE token and an operator's
// API key. A tab closed signs out; nothing is kept in localStorage.
import { useSyncExternalStore } from 'react'

export interface WalletSession {
  address: string
  token: string
  expiresAt: string
}

const WALLET_KEY = 'peerlend.wallet-session'
const OPERATOR_KEY = 'peerlend.operator-key'
const listeners = new Set<() => void>()

function read<T>(key: string): T | null {
  try {
    const text = sessionStorage.getItem(key)
    return text ? (JSON.parse(text) as T) : null
  } catch {
    return null
  }
}

function write(key: string, value: unknown): void {
  if (value === null) sessionStorage.removeItem(key)
  else sessionStorage.setItem(key, JSON.stringify(value))
  cache.delete(key)
  listeners.forEach((listener) => listener())
}

// useSyncExternalStore needs the same object while nothing changed
const cache = new Map<string, unknown>()
function cached<T>(key: string): T | null {
  if (!cache.has(key)) cache.set(key, read<T>(key))
  return cache.get(key) as T | null
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function walletSession(): WalletSession | null {
  const session = cached<WalletSession>(WALLET_KEY)
  // The token's own expiry: a session past it is gone (the API would answer 401 anyway).
  if (session && Date.parse(session.expiresAt) <= Date.now()) return null
  return session
}

export function setWalletSession(session: WalletSession | null): void {
  write(WALLET_KEY, session)
}

export function operatorKey(): string | null {
  return cached<string>(OPERATOR_KEY)
}

export function setOperatorKey(key: string | null): void {
  write(OPERATOR_KEY, key)
}

export function useWalletSession(): WalletSession | null {
  return useSyncExternalStore(subscribe, walletSession)
}

export function useOperatorKey(): string | null {
  return useSyncExternalStore(subscribe, operatorKey)
}
