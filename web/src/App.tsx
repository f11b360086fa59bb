import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { useState } from 'react'
import { RouterProvider } from 'react-router'
import { WagmiProvider } from 'wagmi'
import type { Deployment, PortalConfig } from './config'
import type { PortalWagmiConfig } from './chain/wagmi'
import { PortalProvider, type Stablecoin } from './portal'
import { router } from './routes'

export function App(props: {
  config: PortalConfig
  deployment: Deployment
  wagmiConfig: PortalWagmiConfig
  stablecoin: Stablecoin
  chainReachable: boolean
}) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: { staleTime: 2_000, retry: 1, refetchOnWindowFocus: false },
        },
      }),
  )
  return (
    <WagmiProvider config={props.wagmiConfig}>
      <QueryClientProvider client={queryClient}>
        <PortalProvider
          config={props.config}
          deployment={props.deployment}
          stablecoin={props.stablecoin}
          chainReachable={props.chainReachable}
        >
          <RouterProvider router={router} />
        </PortalProvider>
      </QueryClientProvider>
    </WagmiProvider>
  )
}
