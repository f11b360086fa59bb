// What only a local chain allows, done as the demo does it: moving the chain's clock.
import { env } from './env'

async function rpc(method: string, params: unknown[] = []): Promise<unknown> {
  const reply = await fetch(env.rpcUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  const body = (await reply.json()) as { result?: unknown; error?: { message: string } }
  if (body.error) throw new Error(`${method}: ${body.error.message}`)
  return body.result
}

export async function chainNow(): Promise<number> {
  const block = (await rpc('eth_getBlockByNumber', ['latest', false])) as { timestamp: string }
  return Number(BigInt(block.timestamp))
}

export async function blockNumber(): Promise<number> {
  return Number(BigInt((await rpc('eth_blockNumber')) as string))
}

/** Mines an empty block at `timestamp` (Unix seconds, ahead of the chain). */
export async function mineAt(timestamp: number): Promise<void> {
  await rpc('evm_mine', [timestamp])
}

export async function api<T>(path: string): Promise<T> {
  const reply = await fetch(`${env.apiUrl}${path}`)
  if (!reply.ok) throw new Error(`GET ${path}: ${reply.status} ${await reply.text()}`)
  return (await reply.json()) as T
}

/** Moves the chain's clock, if it is not there yet, to `days` past the loan's oldest unpaid due date. */
export async function makeLate(loanId: number, days: number): Promise<void> {
  const loan = await api<{ schedule: { dueAt: string; paid: boolean }[] }>(`/v2/loans/${loanId}`)
  const due = loan.schedule.find((row) => !row.paid)
  if (!due) throw new Error(`loan ${loanId} has nothing left to pay`)
  const target = Math.floor(Date.parse(due.dueAt) / 1000) + days * 86_400
  if ((await chainNow()) < target) await mineAt(target)
}

/** An operator route, with that key. */
export async function operatorApi<T>(key: string, path: string): Promise<T> {
  const reply = await fetch(`${env.apiUrl}${path}`, { headers: { 'X-API-Key': key } })
  if (!reply.ok) throw new Error(`GET ${path}: ${reply.status} ${await reply.text()}`)
  return (await reply.json()) as T
}
