// What every page reads of the deployment: its addresses, parameters and errors ABI, the stablecoin of
// account (address, decimals, symbol: read from the chain once at start) and the money formatter.
import { createContext, type ReactNode, useContext, useMemo } from 'react'
import type { Abi, Address } from 'viem'
import type { Deployment, PortalConfig } from './config'
import { formatUnitsExact } from './lib/money'

export interface Stablecoin {
  address: Address
  decimals: number
  symbol: string
}

export interface Addresses {
  market: Address
  lens: Address
  registry: Address
  oracle: Address
  reserve: Address
  autoInvest: Address | null
  vault: Address | null
  /** Local and test chains: the mock stablecoin anyone may mint (a faucet); null elsewhere. */
  faucet: Address | null
}

export interface Portal {
  config: PortalConfig
  deployment: Deployment
  addresses: Addresses
  errors: Abi
  stablecoin: Stablecoin
  /** Stablecoin base units, exactly, with the symbol: "1,250.50 USDC". */
  money: (value: bigint) => string
  chainReachable: boolean
}

const PortalContext = createContext<Portal | null>(null)

export function addressesOf(deployment: Deployment): Addresses {
  const at = (name: string): Address | null => deployment.contracts[name]?.address ?? null
  const need = (name: string): Address => {
    const address = at(name)
    if (!address) throw new Error(`the deployment has no ${name}`)
    return address
  }
  return {
    market: need('LoanMarket'),
    lens: need('LoanMarketLens'),
    registry: need('IdentityRegistry'),
    oracle: need('CreditOracle'),
    reserve: need('ReserveFund'),
    autoInvest: at('AutoInvest'),
    vault: at('CollateralVault'),
    faucet: at('MockStablecoin'),
  }
}

export function PortalProvider(props: {
  config: PortalConfig
  deployment: Deployment
  stablecoin: Stablecoin
  chainReachable: boolean
  children: ReactNode
}) {
  const { config, deployment, stablecoin, chainReachable } = props
  const value = useMemo<Portal>(
    () => ({
      config,
      deployment,
      addresses: addressesOf(deployment),
      errors: deployment.errors,
      stablecoin,
      money: (amount: bigint) => `${formatUnitsExact(amount, stablecoin.decimals)} ${stablecoin.symbol}`,
      chainReachable,
    }),
    [config, deployment, stablecoin, chainReachable],
  )
  return <PortalContext.Provider value={value}>{props.children}</PortalContext.Provider>
}

export function usePortal(): Portal {
  const portal = useContext(PortalContext)
  if (!portal) throw new Error('usePortal outside PortalProvider')
  return portal
}
