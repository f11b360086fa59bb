// Security and identity: the signed-in session (GET /v2/auth/me, POST /v2/auth/signout), the wallet's
// identity on the chain and the person key that links one person's wallets (the attestation's subject).
// The API signs out one session at a time and lists neither sessions nor a person's other wallets.
import { useMutation, useQuery } from '@tanstack/react-query'
import { Link } from 'react-router'
import { useAccount, useDisconnect, useReadContract } from 'wagmi'
import { api } from '../../api/client'
import { useKycApplication } from '../../api/queries'
import { Faucet, WalletBalance } from '../../components/Wallet'
import { RequireSignIn } from '../../components/WalletButton'
import { Card, ProblemNotice } from '../../components/ui'
import { identityRegistryAbi } from '../../contracts/abis.generated'
import { formatDate, formatDateTime } from '../../lib/time'
import { usePortal } from '../../portal'
import { useCurrentSession } from '../../session/siwe'
import { setOperatorKey, setWalletSession, useOperatorKey } from '../../session/store'

export default function AccountPage() {
  return (
    <>
      <h1>Account</h1>
      <RequireSignIn purpose="see your account">
        <Account />
      </RequireSignIn>
      <OperatorKey />
    </>
  )
}

function Account() {
  const session = useCurrentSession()!
  const { address } = useAccount()
  const { disconnect } = useDisconnect()
  const { addresses } = usePortal()
  const me = useQuery({ queryKey: ['me', session.address], queryFn: () => api.get<{ address: string }>('/v2/auth/me', { auth: 'wallet' }) })
  const kyc = useKycApplication()
  const identity = useReadContract({
    address: addresses.registry,
    abi: identityRegistryAbi,
    functionName: 'identityOf',
    args: address ? [address] : undefined,
    query: { enabled: Boolean(address) },
  })
  const signOut = useMutation({
    mutationFn: () => api.post<void>('/v2/auth/signout', undefined, { auth: 'wallet' }),
    onSettled: () => setWalletSession(null), // a refused sign-out still forgets the token here
  })
  const id = identity.data
  const subject = kyc.data?.attestation.subject
  return (
    <>
      <Card title="Security" testId="security">
        <p>
          Signed in as <code data-testid="session-address">{me.data?.address ?? session.address}</code> until{' '}
          {formatDateTime(session.expiresAt)}.
        </p>
        <p className="muted small">
          The session is a token the service issued for your signed sign-in message; it is kept in this browser tab only.
          Signing out refuses it from now on; sessions in other browsers stay until they expire (the API signs out one
          session at a time).
        </p>
        <div className="actions">
          <button type="button" className="button primary" disabled={signOut.isPending} onClick={() => signOut.mutate()}>
            Sign out
          </button>
          <button
            type="button"
            className="button"
            onClick={() => {
              signOut.mutate()
              disconnect()
            }}
          >
            Sign out and disconnect the wallet
          </button>
        </div>
        <ProblemNotice error={signOut.error ?? me.error} />
      </Card>
      <Card title="Notices and complaints">
        <p>
          <Link to="/account/inbox">Inbox and notification settings</Link> · <Link to="/account/complaints">Complaints</Link>
        </p>
      </Card>
      <Card title="Wallet and identity" testId="identity">
        <p>
          <WalletBalance />
        </p>
        <Faucet />
        <p>
          On the chain:{' '}
          {id === undefined
            ? '…'
            : id.level === 0
              ? 'no KYC attestation'
              : `KYC level ${id.level}, investor risk class ${id.riskClass}, jurisdiction ${id.jurisdiction}, expires ${formatDate(BigInt(id.expiresAt))}${id.frozen ? ', FROZEN' : ''}`}
        </p>
        <h3>Linked wallets</h3>
        <p>
          {subject ? (
            <>
              Your wallets are linked on the chain by one person key, <code>{subject.slice(0, 18)}…</code>: a keyed hash of your
              identity that names nobody. The per-person borrowing cap counts every wallet attested with it. Attest another
              wallet by passing KYC from it with the same identity.
            </>
          ) : (
            'Your wallets are linked once KYC has attested one of them.'
          )}
        </p>
      </Card>
    </>
  )
}

function OperatorKey() {
  const key = useOperatorKey()
  if (!key) return null
  return (
    <Card title="Operator key">
      <p>An operator API key is kept in this tab.</p>
      <button type="button" className="button" onClick={() => setOperatorKey(null)}>
        Forget the operator key
      </button>
    </Card>
  )
}
