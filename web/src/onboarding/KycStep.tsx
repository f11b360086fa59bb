// KYC: the identity application (POST /v2/kyc/applications), its decision, and the attestation on the
// chain: sent by the platform (direct) or signed by the platform's attester and submitted by the wallet
// itself (IdentityRegistry.attestWithSignature with GET /v2/kyc/application/attestation).
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { useAccount, useReadContract } from 'wagmi'
import { api } from '../api/client'
import { useIdempotencyKey } from '../api/idempotency'
import { ApiProblem } from '../api/problem'
import { useKycApplication } from '../api/queries'
import type { KycApplication, SignedAttestation } from '../api/types'
import { Card, Loading, ProblemNotice, TxNotice } from '../components/ui'
import { inputComponents, structFromMessage } from '../chain/structs'
import { call, useTransactor } from '../chain/tx'
import { identityRegistryAbi } from '../contracts/abis.generated'
import { formatDate } from '../lib/time'
import { usePortal } from '../portal'

const FIELDS = [
  { name: 'fullName', label: 'Full legal name', autoComplete: 'name' },
  { name: 'nationalIdNumber', label: 'National ID number', autoComplete: 'off' },
  { name: 'dateOfBirth', label: 'Date of birth', type: 'date', autoComplete: 'bday' },
  { name: 'phone', label: 'Mobile phone (E.164, e.g. +8613800138000)', type: 'tel', autoComplete: 'tel' },
  { name: 'bankCardNumber', label: 'Bank card number', autoComplete: 'cc-number' },
  { name: 'jurisdiction', label: 'Country of residence (ISO code, e.g. CN)', autoComplete: 'country' },
  { name: 'livenessToken', label: 'Liveness session token (from the liveness check; empty for level 1)', autoComplete: 'off' },
] as const

export function KycStep() {
  const application = useKycApplication(5_000)
  const [key, settleKey] = useIdempotencyKey()
  const queryClient = useQueryClient()
  const [again, setAgain] = useState(false)
  const submit = useMutation({
    mutationFn: (body: Record<string, string>) =>
      api.post<KycApplication>('/v2/kyc/applications', body, { auth: 'wallet', idempotencyKey: key }),
    onSettled: (_data, error) => settleKey(error),
    onSuccess: async () => {
      setAgain(false)
      await queryClient.invalidateQueries({ queryKey: ['kyc'] })
    },
  })

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const body: Record<string, string> = {}
    for (const field of FIELDS) {
      const value = String(form.get(field.name) ?? '').trim()
      if (value) body[field.name] = value
    }
    body.attestationMode = String(form.get('attestationMode') ?? 'direct')
    submit.mutate(body)
  }

  if (application.isLoading) return <Loading what="your KYC application" />
  const app = application.data
  if (app && !again && app.status !== 'rejected') return <KycStatus app={app} />

  const problem = submit.error instanceof ApiProblem ? submit.error : null
  return (
    <Card title="Identity (KYC)" testId="kyc-form">
      {app?.status === 'rejected' ? (
        <p className="notice notice-error">Your last application was rejected: {app.rejectReasons.join(', ') || 'no reason given'}.</p>
      ) : null}
      <p>
        Your identity is checked against your bank card and phone (a four-element match), screened against sanctions
        lists, and encrypted at rest. Only a commitment to it goes on the chain, never your personal data.
      </p>
      <form className="form" onSubmit={onSubmit}>
        {FIELDS.map((field) => (
          <label key={field.name}>
            {field.label}
            <input
              name={field.name}
              type={'type' in field ? field.type : 'text'}
              autoComplete={field.autoComplete}
              required={field.name !== 'livenessToken'}
              defaultValue={field.name === 'jurisdiction' ? 'CN' : undefined}
            />
            {problem?.fieldMessage(field.name) ? <span className="field-error">{problem.fieldMessage(field.name)}</span> : null}
          </label>
        ))}
        <fieldset>
          <legend>Your attestation on the chain</legend>
          <label className="check">
            <input type="radio" name="attestationMode" value="direct" defaultChecked />
            The platform records it (no gas for you)
          </label>
          <label className="check">
            <input type="radio" name="attestationMode" value="signature" />
            I submit it from my wallet (I pay the gas)
          </label>
        </fieldset>
        <button type="submit" className="button primary" disabled={submit.isPending}>
          {submit.isPending ? 'Checking…' : 'Submit for KYC'}
        </button>
      </form>
      <ProblemNotice error={submit.error} title="KYC" />
    </Card>
  )
}

function KycStatus(props: { app: KycApplication }) {
  const { app } = props
  const { addresses } = usePortal()
  const { address } = useAccount()
  const eligible = useReadContract({
    address: addresses.registry,
    abi: identityRegistryAbi,
    functionName: 'isEligible',
    args: address ? [address] : undefined,
    query: { enabled: Boolean(address), refetchInterval: 3_000 },
  })
  const identity = useReadContract({
    address: addresses.registry,
    abi: identityRegistryAbi,
    functionName: 'identityOf',
    args: address ? [address] : undefined,
    query: { enabled: Boolean(address), refetchInterval: 3_000 },
  })

  return (
    <Card title="Identity (KYC)" testId="kyc-status">
      <p>
        Application <code>{app.id.slice(0, 8)}</code>: <strong data-testid="kyc-state">{app.status.replace('_', ' ')}</strong>
        {app.status === 'in_review' ? ` (a reviewer is checking: ${app.reviewReasons.join(', ')})` : ''}. Risk level{' '}
        {app.riskLevel}
        {app.eddRequired ? ', enhanced due diligence' : ''}.
      </p>
      {app.status === 'approved' ? (
        <p>
          Attestation: {app.attestation.mode === 'signature' ? 'submitted by your wallet' : 'recorded by the platform'},
          level {app.attestation.level}, risk class {app.attestation.riskClass ?? '—'}, status{' '}
          <strong data-testid="attestation-status">{app.attestation.status}</strong>
          {app.attestation.expiresAt ? `, expires ${formatDate(app.attestation.expiresAt)}` : ''}.
        </p>
      ) : null}
      {app.status === 'approved' && app.attestation.status === 'signed' && eligible.data !== true ? <SubmitAttestation /> : null}
      {app.status === 'approved' && app.attestation.status === 'failed' ? (
        <p className="notice notice-error">The attestation could not be recorded: {app.attestation.error}</p>
      ) : null}
      <p data-testid="onchain-identity">
        On the chain:{' '}
        {eligible.data === undefined
          ? '…'
          : eligible.data
            ? `eligible (level ${identity.data?.level}, investor risk class ${identity.data?.riskClass}${identity.data?.frozen ? ', frozen' : ''})`
            : 'not attested yet'}
      </p>
    </Card>
  )
}

function SubmitAttestation() {
  const { addresses } = usePortal()
  const tx = useTransactor()
  const queryClient = useQueryClient()
  const [error, setError] = useState<unknown>(null)
  const submit = async () => {
    setError(null)
    try {
      const signed = await api.get<SignedAttestation>('/v2/kyc/application/attestation', { auth: 'wallet' })
      const attestation = structFromMessage(inputComponents(identityRegistryAbi, 'attestWithSignature'), signed.attestation)
      await tx.run([
        call('Submit your KYC attestation', signed.registry as `0x${string}`, identityRegistryAbi, 'attestWithSignature', [
          attestation as never,
          signed.signature as `0x${string}`,
        ]),
      ])
      await queryClient.invalidateQueries({ queryKey: ['kyc'] })
    } catch (caught) {
      if (caught instanceof ApiProblem) setError(caught)
    }
  }
  return (
    <div className="card inner">
      <p>
        The platform's attester signed your attestation; send it to the IdentityRegistry (
        <code>{addresses.registry.slice(0, 10)}…</code>) from your wallet to be eligible.
      </p>
      <button type="button" className="button primary" disabled={tx.busy} onClick={submit}>
        Submit attestation from my wallet
      </button>
      <TxNotice state={tx.state} />
      <ProblemNotice error={error} />
    </div>
  )
}
