// The chain's clock: the latest block's timestamp. What is due, late or expired is decided against it,
// as the contracts decide it, never against the browser's clock (a local chain's clock may be moved).
import { useBlock } from 'wagmi'

export interface ChainClock {
  /** Unix seconds of the latest block; null until it has been read. */
  now: bigint | null
  blockNumber: bigint | null
}

export function useChainClock(): ChainClock {
  const { data } = useBlock({ watch: true, query: { refetchInterval: 5_000 } })
  return { now: data?.timestamp ?? null, blockNumber: data?.number ?? null }
}
