import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { loadConfig } from './config'
import { setApiBase } from './api/client'
import { createWagmiConfig } from './chain/wagmi'
import { readStablecoin } from './chain/stablecoin'
import { addressesOf } from './portal'
import './styles.css'

const root = createRoot(document.getElementById('root')!)

function Failure(props: { title: string; detail: string }) {
  return (
    <main className="boot-failure">
      <h1>{props.title}</h1>
      <p>{props.detail}</p>
    </main>
  )
}

async function boot(): Promise<void> {
  const config = await loadConfig()
  setApiBase(config.apiUrl)
  if (!config.deployment) {
    root.render(
      <Failure
        title="No deployment"
        detail="The service has no deployment manifest for its chain yet: deploy the contracts (make up), then reload."
      />,
    )
    return
  }
  const wagmiConfig = createWagmiConfig(config)
  const { stablecoin, reachable } = await readStablecoin(wagmiConfig, addressesOf(config.deployment).market)
  root.render(
    <StrictMode>
      <App
        config={config}
        deployment={config.deployment}
        wagmiConfig={wagmiConfig}
        stablecoin={stablecoin}
        chainReachable={reachable}
      />
    </StrictMode>,
  )
}

boot().catch((error: unknown) =>
  root.render(<Failure title="PeerLend could not start" detail={error instanceof Error ? error.message : String(error)} />),
)
