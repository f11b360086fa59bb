// Complaints (投诉): the wallet files one (a category, optionally a loan it borrowed or held a note of, the
// text, kept encrypted by the service) and follows it: deadlines to acknowledge and resolve it in business
// days, the platform's answers, and the complainant's own: accept the resolution, reject it (mediation),
// or take a complaint whose deadline passed to mediation.
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { Link, useNavigate, useParams, useSearchParams } from 'react-router'
import { api } from '../../api/client'
import { CATEGORIES, type Category, type ComplaintDetail, OUTCOMES, useOwnComplaint, useOwnComplaints } from '../../api/complaints'
import { useIdempotencyKey } from '../../api/idempotency'
import { SlaLine, Thread } from '../../components/complaints'
import { RequireSignIn } from '../../components/WalletButton'
import { Card, Loading, ProblemNotice, StatusBadge } from '../../components/ui'
import { formatDateTime } from '../../lib/time'
import '../../components/servicing.css'

export default function ComplaintsPage() {
  const { complaintId } = useParams()
  return (
    <>
      <h1>Complaints</h1>
      <p>{complaintId ? <Link to="/account/complaints">← Your complaints</Link> : <Link to="/account">← Account</Link>}</p>
      <RequireSignIn purpose="file or follow a complaint">
        {complaintId ? (
          <Followed id={complaintId} />
        ) : (
          <>
            <FileComplaint />
            <OwnComplaints />
          </>
        )}
      </RequireSignIn>
    </>
  )
}

function FileComplaint() {
  const [search] = useSearchParams()
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const [key, settle] = useIdempotencyKey()
  const loanParam = search.get('loan')
  const file = useMutation({
    mutationFn: (body: { category: Category; loanId: number | null; text: string }) =>
      api.post<ComplaintDetail>('/v2/complaints', body, { auth: 'wallet', idempotencyKey: key }),
    onSettled: (_data, error) => settle(error),
    onSuccess: async (filed) => {
      await queryClient.invalidateQueries({ queryKey: ['complaints'] })
      navigate(`/account/complaints/${filed.id}`)
    },
  })
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const loan = String(form.get('loanId') ?? '').trim()
    file.mutate({
      category: String(form.get('category')) as Category,
      loanId: loan ? Number(loan) : null,
      text: String(form.get('text') ?? '').trim(),
    })
  }
  return (
    <Card title="File a complaint" testId="complaint-form">
      <p className="muted small">
        We acknowledge a complaint within 2 business days and resolve it within 15. If we do not, or you do not accept our
        resolution, you may take it to mediation. What you write is stored encrypted and read only by the staff who handle
        complaints.
      </p>
      <form className="form" onSubmit={submit} aria-label="Complaint">
        <label>
          About
          <select name="category" defaultValue={loanParam ? 'repayment' : 'service'}>
            {Object.entries(CATEGORIES).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Loan number (optional: one you borrowed or lent to)
          <input name="loanId" inputMode="numeric" pattern="\d*" defaultValue={loanParam && /^\d+$/.test(loanParam) ? loanParam : ''} />
        </label>
        <label>
          What happened, and what you would like us to do
          <textarea name="text" rows={5} maxLength={50_000} required />
        </label>
        <button type="submit" className="button primary" disabled={file.isPending}>
          File complaint
        </button>
      </form>
      <ProblemNotice error={file.error} />
    </Card>
  )
}

function OwnComplaints() {
  const complaints = useOwnComplaints()
  if (complaints.error) return <ProblemNotice error={complaints.error} />
  if (!complaints.data) return <Loading what="your complaints" />
  if (complaints.data.items.length === 0) return null
  return (
    <Card title="Your complaints" testId="own-complaints">
      <table className="table">
        <thead>
          <tr>
            <th>Filed</th>
            <th>About</th>
            <th>Status</th>
            <th>Deadlines</th>
          </tr>
        </thead>
        <tbody>
          {complaints.data.items.map((c) => (
            <tr key={c.id} data-testid="own-complaint">
              <td data-label="Filed">
                <Link to={`/account/complaints/${c.id}`}>{formatDateTime(c.filedAt)}</Link>
              </td>
              <td data-label="About">
                {CATEGORIES[c.category] ?? c.category}
                {c.loanId !== null ? `, loan #${c.loanId}` : ''}
              </td>
              <td data-label="Status">
                <StatusBadge status={c.status} />
              </td>
              <td data-label="Deadlines">
                <SlaLine complaint={c} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  )
}

function Followed(props: { id: string }) {
  const complaint = useOwnComplaint(props.id)
  const queryClient = useQueryClient()
  const [reply, setReply] = useState('')
  const answer = useMutation({
    mutationFn: (path: 'accept' | 'reject' | 'mediation') =>
      api.post<ComplaintDetail>(
        `/v2/complaints/${encodeURIComponent(props.id)}/${path}`,
        path === 'mediation' ? undefined : { text: reply.trim() || null },
        { auth: 'wallet' },
      ),
    onSuccess: () => {
      setReply('')
      return queryClient.invalidateQueries({ queryKey: ['complaints'] })
    },
  })
  if (complaint.error) return <ProblemNotice error={complaint.error} />
  if (!complaint.data) return <Loading what="the complaint" />
  const c = complaint.data
  const overdue = (c.status === 'open' && c.sla.acknowledgementBreached) || ((c.status === 'open' || c.status === 'acknowledged') && c.sla.resolutionBreached)
  return (
    <Card title={`${CATEGORIES[c.category] ?? c.category}${c.loanId !== null ? `, loan #${c.loanId}` : ''}`} testId="followed-complaint">
      <dl className="details">
        <dt>Status</dt>
        <dd data-testid="complaint-status">
          <StatusBadge status={c.status} />
          {c.outcome ? ` · ${OUTCOMES[c.outcome]}` : ''}
        </dd>
        <dt>Deadlines</dt>
        <dd>
          <SlaLine complaint={c} />
        </dd>
        {c.loanId !== null ? (
          <>
            <dt>Loan</dt>
            <dd>
              <Link to={`/loans/${c.loanId}`}>#{c.loanId}</Link>
            </dd>
          </>
        ) : null}
        {c.closedAt ? (
          <>
            <dt>Closed</dt>
            <dd>{formatDateTime(c.closedAt)}</dd>
          </>
        ) : null}
        {c.escalatedAt ? (
          <>
            <dt>In mediation since</dt>
            <dd>{formatDateTime(c.escalatedAt)}</dd>
          </>
        ) : null}
      </dl>
      <Thread complaint={c} viewer="complainant" />
      {c.status === 'resolved' ? (
        <div className="form" aria-label="Your answer">
          <label>
            Your answer (optional)
            <textarea name="reply" rows={2} maxLength={50_000} value={reply} onChange={(e) => setReply(e.target.value)} />
          </label>
          <div className="actions">
            <button type="button" className="button primary" disabled={answer.isPending} onClick={() => answer.mutate('accept')}>
              Accept the resolution
            </button>
            <button type="button" className="button" disabled={answer.isPending} onClick={() => answer.mutate('reject')}>
              Reject it: take it to mediation
            </button>
          </div>
        </div>
      ) : null}
      {overdue ? (
        <div className="actions">
          <span>A deadline passed unmet: you may take the complaint to mediation.</span>
          <button type="button" className="button" disabled={answer.isPending} onClick={() => answer.mutate('mediation')}>
            Take it to mediation
          </button>
        </div>
      ) : null}
      <ProblemNotice error={answer.error} />
    </Card>
  )
}
