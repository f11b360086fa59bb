// The KYC review queue (GET /v2/kyc/review-queue, enhanced due diligence first), an item with the
// applicant's decrypted details (every read is audited), and the decision: approve (the attestation is
// issued at once) or reject, with a reason code and a note.
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router'
import { api } from '../../api/client'
import { useKycQueue, useKycReviewItem } from '../../api/queries'
import type { KycApplication } from '../../api/types'
import { Card, Loading, ProblemNotice } from '../../components/ui'
import { formatDateTime, shortAddress } from '../../lib/time'
import { SectionProblem } from './access'
import { Pager, useCursorPages } from '../../components/pager'

export default function KycReviews() {
  const params = useParams()
  const selected = params['*'] || null
  return selected ? <ReviewItem applicationId={selected} /> : <Queue />
}

function Queue() {
  const pages = useCursorPages()
  const queue = useKycQueue(pages.cursor)
  return (
    <Card title="KYC review queue" testId="kyc-queue">
      {queue.error ? (
        <SectionProblem error={queue.error} />
      ) : !queue.data ? (
        <Loading what="the queue" />
      ) : queue.data.items.length === 0 ? (
        <p className="muted">Nothing waits for review.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Application</th>
              <th>Wallet</th>
              <th>Reasons</th>
              <th>Risk</th>
              <th>Since</th>
            </tr>
          </thead>
          <tbody>
            {queue.data.items.map((item) => (
              <tr key={item.id} data-testid="kyc-queue-item">
                <td data-label="Application">
                  <Link to={`/operator/kyc/${item.applicationId}`}>{item.applicationId.slice(0, 8)}</Link>
                </td>
                <td data-label="Wallet">
                  <code title={item.wallet}>{shortAddress(item.wallet)}</code>
                </td>
                <td data-label="Reasons">{item.reasons.join(', ')}</td>
                <td data-label="Risk">
                  {item.riskLevel}
                  {item.eddRequired ? ' (EDD)' : ''}
                </td>
                <td data-label="Since">{formatDateTime(item.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager pages={pages} nextCursor={queue.data?.nextCursor} labels={['Previous', 'Next']} />
    </Card>
  )
}

function ReviewItem(props: { applicationId: string }) {
  const item = useKycReviewItem(props.applicationId)
  const queryClient = useQueryClient()
  const navigate = useNavigate()
  const [decided, setDecided] = useState<KycApplication | null>(null)
  const decide = useMutation({
    mutationFn: (input: { decision: 'approve' | 'reject'; reason: string; note: string }) =>
      api.post<KycApplication>(
        `/v2/kyc/applications/${encodeURIComponent(props.applicationId)}/${input.decision}`,
        { reason: input.reason, note: input.note || null },
        { auth: 'operator' },
      ),
    onSuccess: async (application) => {
      setDecided(application)
      await queryClient.invalidateQueries({ queryKey: ['operator'] })
    },
  })

  const submit = (decision: 'approve' | 'reject') => (event: FormEvent) => {
    event.preventDefault()
    const form = (event.currentTarget as HTMLElement).closest('form')!
    const data = new FormData(form)
    decide.mutate({ decision, reason: String(data.get('reason') ?? ''), note: String(data.get('note') ?? '') })
  }

  if (decided) {
    return (
      <Card title="Decision recorded" testId="kyc-decided">
        <p>
          Application {decided.id.slice(0, 8)} is now <strong data-testid="kyc-decision">{decided.status}</strong>
          {decided.status === 'approved' ? `; attestation ${decided.attestation.status}` : ''}.
        </p>
        <button type="button" className="button" onClick={() => navigate('/operator/kyc')}>
          Back to the queue
        </button>
      </Card>
    )
  }
  if (item.error) return <SectionProblem error={item.error} />
  if (!item.data) return <Loading what="the application" />
  const d = item.data
  return (
    <Card title={`Review ${d.applicationId.slice(0, 8)}`} testId="kyc-review-item">
      <p>
        <Link to="/operator/kyc">← Queue</Link>
      </p>
      <dl className="details">
        <dt>Wallet</dt>
        <dd>
          <code>{d.wallet}</code>
        </dd>
        <dt>Name</dt>
        <dd>{d.applicant.fullName}</dd>
        <dt>Date of birth</dt>
        <dd>{d.applicant.dateOfBirth}</dd>
        <dt>National ID</dt>
        <dd>{d.applicant.nationalIdNumber}</dd>
        <dt>Phone</dt>
        <dd>{d.applicant.phone}</dd>
        <dt>Bank card</dt>
        <dd>{d.applicant.bankCardNumber}</dd>
        <dt>Reasons</dt>
        <dd>{d.reasons.join(', ')}</dd>
        <dt>Risk</dt>
        <dd>
          {d.riskLevel} ({Object.entries(d.riskFactors).map(([k, v]) => `${k} ${v}`).join(', ') || 'no factors'})
          {d.eddRequired ? ' — enhanced due diligence: a note of 20 characters or more is required' : ''}
        </dd>
        {d.duplicateWallets.length > 0 ? (
          <>
            <dt>Same identity on</dt>
            <dd>{d.duplicateWallets.join(', ')}</dd>
          </>
        ) : null}
      </dl>
      {d.screeningMatches.length > 0 ? (
        <table className="table" data-testid="screening-matches">
          <thead>
            <tr>
              <th>List</th>
              <th>Entry</th>
              <th>Kind</th>
              <th>Score</th>
              <th>Date of birth</th>
            </tr>
          </thead>
          <tbody>
            {d.screeningMatches.map((m) => (
              <tr key={m.entryId}>
                <td data-label="List">{m.list}</td>
                <td data-label="Entry">{m.matchedName ?? m.entryId}</td>
                <td data-label="Kind">{m.kind.replace('_', ' ')}</td>
                <td data-label="Score">{m.score.toFixed(2)}</td>
                <td data-label="Date of birth">{m.dobMatch}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <form className="form" aria-label="Decision">
        <label>
          Reason code
          <input name="reason" required minLength={3} maxLength={64} defaultValue="false_positive" />
        </label>
        <label>
          Note
          <textarea name="note" maxLength={2000} rows={3} />
        </label>
        <div className="actions">
          <button type="submit" className="button primary" disabled={decide.isPending} onClick={submit('approve')}>
            Approve
          </button>
          <button type="button" className="button danger" disabled={decide.isPending} onClick={submit('reject')}>
            Reject
          </button>
        </div>
      </form>
      <ProblemNotice error={decide.error} />
    </Card>
  )
}
