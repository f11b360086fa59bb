// Connect the injected wallet, switch it to the deployment's chain, sign in with Ethereum.
import type { ReactNode } from 'react'
import { useAccount, useConnect, useDisconnect, useSwitchChain } from 'wagmi'
import { shortAddress } from '../lib/time'
import { usePortal } from '../portal'
import { useCurrentSession, useSignIn } from '../session/siwe'
import { ProblemNotice } from './ui'

export function WalletButton() {
  const { address, chainId, isConnected } = useAccount()
  const { connect, connectors, isPending, error: connectError } = useConnect()
  const { disconnect } = useDisconnect()
  const { switchChain } = useSwitchChain()
  const { config } = usePortal()
  const session = useCurrentSession()
  const signIn = useSignIn()

  if (!isConnected || !address) {
    const connector = connectors[0]
    return (
      <div className="wallet">
        <button
          type="button"
          className="button primary"
          disabled={isPending || !connector}
          onClick={() => connector && connect({ connector })}
        >
          {isPending ? 'Connecting…' : 'Connect wallet'}
        </button>
        {connectError ? <span className="wallet-error">No wallet found: install MetaMask or another browser wallet.</span> : null}
      </div>
    )
  }
  if (chainId !== config.chainId) {
    return (
      <div className="wallet">
        <button type="button" className="button warn" onClick={() => switchChain({ chainId: config.chainId })}>
          Switch to chain {config.chainId}
        </button>
      </div>
    )
  }
  return (
    <div className="wallet">
      <span className="wallet-address" data-testid="wallet-address" title={address}>
        {shortAddress(address)}
      </span>
      {session ? (
        <span className="wallet-signed" data-testid="signed-in">
          signed in
        </span>
      ) : (
        <button type="button" className="button primary" disabled={signIn.isPending} onClick={() => signIn.mutate()}>
          {signIn.isPending ? 'Signing…' : 'Sign in'}
        </button>
      )}
      <button type="button" className="button link" onClick={() => disconnect()}>
        Disconnect
      </button>
      {signIn.error ? <ProblemNotice error={signIn.error} title="Sign-in failed" /> : null}
    </div>
  )
}

/** Content for a signed-in wallet; otherwise what to do first. */
export function RequireSignIn(props: { children: ReactNode; purpose: string }) {
  const { isConnected } = useAccount()
  const session = useCurrentSession()
  const signIn = useSignIn()
  if (session) return <>{props.children}</>
  return (
    <div className="card sign-in-needed">
      <p>
        {isConnected ? 'Sign in with your wallet' : 'Connect your wallet and sign in'} to {props.purpose}. Signing in
        proves you hold the wallet; it sends no transaction and costs nothing.
      </p>
      {isConnected ? (
        <button type="button" className="button primary" disabled={signIn.isPending} onClick={() => signIn.mutate()}>
          {signIn.isPending ? 'Signing…' : 'Sign in with Ethereum'}
        </button>
      ) : (
        <WalletButton />
      )}
      {signIn.error ? <ProblemNotice error={signIn.error} title="Sign-in failed" /> : null}
    </div>
  )
}
