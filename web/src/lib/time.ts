// Times shown to people. What is due or late is decided against the chain's clock (chain/clock.ts),
// never the browser's: these only format.

export function formatDate(value: string | Date | bigint | number | null | undefined): string {
  if (value === null || value === undefined) return '—'
  const date =
    typeof value === 'bigint' ? new Date(Number(value) * 1000) : typeof value === 'number' ? new Date(value * 1000) : new Date(value)
  return date.toISOString().slice(0, 10)
}

export function formatDateTime(value: string | Date | bigint | null | undefined): string {
  if (value === null || value === undefined) return '—'
  const date = typeof value === 'bigint' ? new Date(Number(value) * 1000) : new Date(value)
  return date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC'
}

/** Unix seconds of an ISO time from the API. */
export function unixSeconds(iso: string): bigint {
  return BigInt(Math.floor(Date.parse(iso) / 1000))
}

/** "in 3 days" / "2 days ago" between two instants in Unix seconds (the chain's clock as `now`). */
export function relativeDays(at: bigint, now: bigint): string {
  const seconds = at - now
  const days = Number((seconds < 0n ? -seconds : seconds) / 86_400n)
  const hours = Number(((seconds < 0n ? -seconds : seconds) % 86_400n) / 3_600n)
  const span = days > 0 ? `${days} day${days === 1 ? '' : 's'}` : `${hours} hour${hours === 1 ? '' : 's'}`
  return seconds >= 0n ? `in ${span}` : `${span} ago`
}

export function shortAddress(address: string | null | undefined): string {
  if (!address) return '—'
  return `${address.slice(0, 6)}…${address.slice(-4)}`
}
