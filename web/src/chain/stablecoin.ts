// The stablecoin of account is whatever ERC-20 the market names (LoanMarket.stablecoin()); its decimals
// and symbol are read once at start, so every amount is formatted with the token's own decimals.
import type { Address } from 'viem'
import { readContract } from 'wagmi/actions'
import { erc20Abi, loanMarketAbi } from '../contracts/abis.generated'
import type { Stablecoin } from '../portal'
import type { PortalWagmiConfig } from './wagmi'

const TIMEOUT_MS = 5_000

export async function readStablecoin(
  config: PortalWagmiConfig,
  market: Address,
): Promise<{ stablecoin: Stablecoin; reachable: boolean }> {
  const read = async (): Promise<Stablecoin> => {
    const address = await readContract(config, { address: market, abi: loanMarketAbi, functionName: 'stablecoin' })
    const [decimals, symbol] = await Promise.all([
      readContract(config, { address, abi: erc20Abi, functionName: 'decimals' }),
      readContract(config, { address, abi: erc20Abi, functionName: 'symbol' }),
    ])
    return { address, decimals, symbol }
  }
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), TIMEOUT_MS))
  try {
    return { stablecoin: await Promise.race([read(), timeout]), reachable: true }
  } catch {
    // The chain did not answer: pages still show the API's figures (amounts in the documented 6 decimals).
    return {
      stablecoin: { address: '0x0000000000000000000000000000000000000000', decimals: 6, symbol: 'USD' },
      reachable: false,
    }
  }
}
