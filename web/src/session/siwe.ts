// Sign-In with Ethereum through the API: a nonce and the fields to sign (POST /v2/auth/nonce), an
// EIP-4361 message signed by the wallet (personal_sign), a bearer token back (POST /v2/auth/siwe).
// The message's times are the nonce's own (issued and expiring on the service's clock).
import { useMutation } from '@tanstack/react-query'
import { getAddress } from 'viem'
import { createSiweMessage } from 'viem/siwe'
import { useAccount, useSignMessage } from 'wagmi'
import { api } from '../api/client'
import type { NonceOut, TokenOut } from '../api/types'
import { setWalletSession, useWalletSession, type WalletSession } from './store'

export function useSignIn() {
  const { address } = useAccount()
  const { signMessageAsync } = useSignMessage()
  return useMutation({
    mutationFn: async (): Promise<WalletSession> => {
      if (!address) throw new Error('Connect your wallet first.')
      const nonce = await api.post<NonceOut>('/v2/auth/nonce')
      // The domain the person sees in the address bar, when the service accepts it; else the one it names.
      const here = window.location.host
      const ownDomain = nonce.domains.includes(here)
      const message = createSiweMessage({
        domain: ownDomain ? here : nonce.domain,
        address: getAddress(address),
        statement: nonce.statement,
        uri: ownDomain ? window.location.origin : nonce.uri,
        version: '1',
        chainId: nonce.chainId,
        nonce: nonce.nonce,
        issuedAt: new Date(nonce.issuedAt),
        expirationTime: new Date(nonce.expiresAt),
      })
      const signature = await signMessageAsync({ message })
      const token = await api.post<TokenOut>('/v2/auth/siwe', { message, signature })
      const session = { address: token.address, token: token.accessToken, expiresAt: token.expiresAt }
      setWalletSession(session)
      return session
    },
  })
}

/** The session of the connected wallet (a session of another address does not count). */
export function useCurrentSession(): WalletSession | null {
  const session = useWalletSession()
  const { address } = useAccount()
  if (!session || !address || session.address.toLowerCase() !== address.toLowerCase()) return null
  return session
}
