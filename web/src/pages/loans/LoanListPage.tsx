// The loan book with filters (grade, rate, term, status) kept in the address bar, so a filtered list can
// be shared, and cursor paging (GET /v2/loans: `nextCursor` forward, the cursors seen so far back).
import { type FormEvent, useMemo } from 'react'
import { Link, useSearchParams } from 'react-router'
import { type LoanFilters, useLoanPage } from '../../api/queries'
import { GradeBadge, Loading, Money, ProblemNotice, Progress, Rate, StatusBadge } from '../../components/ui'
import { GRADE_LETTERS, LOAN_STATUSES } from '../../lib/grades'
import { big, formatBps, parsePercentToBps } from '../../lib/money'
import { Pager, useCursorPages } from '../../components/pager'

function filtersOf(params: URLSearchParams): LoanFilters {
  const grades = params.getAll('grade').map(Number).filter((g) => g >= 1 && g <= 7)
  const minRate = params.get('minRate')
  const maxRate = params.get('maxRate')
  const term = Number(params.get('term'))
  return {
    status: params.get('status') || undefined,
    grade: grades.length ? grades : undefined,
    minRateBps: minRate ? (parsePercentToBps(minRate) ?? undefined) : undefined,
    maxRateBps: maxRate ? (parsePercentToBps(maxRate) ?? undefined) : undefined,
    term: term > 0 ? term : undefined,
    sort: (params.get('sort') as LoanFilters['sort']) || undefined,
    limit: 20,
  }
}

export default function LoanListPage() {
  const [params, setParams] = useSearchParams()
  const filters = useMemo(() => filtersOf(params), [params])
  const pages = useCursorPages()
  const page = useLoanPage(filters, pages.cursor)

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const next = new URLSearchParams()
    for (const grade of form.getAll('grade')) next.append('grade', String(grade))
    for (const name of ['status', 'minRate', 'maxRate', 'term', 'sort']) {
      const value = String(form.get(name) ?? '').trim()
      if (value) next.set(name, value)
    }
    pages.reset()
    setParams(next)
  }

  const selectedGrades = new Set(filters.grade ?? [])
  return (
    <>
      <h1>Loans</h1>
      <form className="filters card" onSubmit={apply} aria-label="Filter loans">
        <fieldset className="grade-filter">
          <legend>Grade</legend>
          {GRADE_LETTERS.map((letter, i) => (
            <label key={letter} className="check">
              <input type="checkbox" name="grade" value={i + 1} defaultChecked={selectedGrades.has(i + 1)} />
              {letter}
            </label>
          ))}
        </fieldset>
        <label>
          Status
          <select name="status" defaultValue={filters.status ?? ''}>
            <option value="">any</option>
            {LOAN_STATUSES.map((status) => (
              <option key={status} value={status}>
                {status}
              </option>
            ))}
          </select>
        </label>
        <label>
          Rate from (%)
          <input name="minRate" inputMode="decimal" defaultValue={params.get('minRate') ?? ''} placeholder="0" />
        </label>
        <label>
          Rate to (%)
          <input name="maxRate" inputMode="decimal" defaultValue={params.get('maxRate') ?? ''} placeholder="any" />
        </label>
        <label>
          Installments
          <input name="term" type="number" min={1} defaultValue={filters.term ?? ''} placeholder="any" />
        </label>
        <label>
          Sort
          <select name="sort" defaultValue={filters.sort ?? 'newest'}>
            <option value="newest">newest</option>
            <option value="rate">rate</option>
            <option value="amount">amount</option>
          </select>
        </label>
        <button type="submit" className="button primary">
          Apply
        </button>
      </form>

      {page.error ? <ProblemNotice error={page.error} /> : null}
      {!page.data ? (
        <Loading what="loans" />
      ) : page.data.items.length === 0 ? (
        <p className="muted">No loan matches these filters.</p>
      ) : (
        <table className="table loans-table" data-testid="loan-table">
          <thead>
            <tr>
              <th>Loan</th>
              <th>Grade</th>
              <th>Rate</th>
              <th>Amount</th>
              <th>Term</th>
              <th>Status</th>
              <th>Funded</th>
            </tr>
          </thead>
          <tbody>
            {page.data.items.map((loan) => (
              <tr key={loan.loanId} data-testid="loan-row">
                <td data-label="Loan">
                  <Link to={`/loans/${loan.loanId}`}>#{loan.loanId}</Link>
                </td>
                <td data-label="Grade">
                  <GradeBadge grade={loan.grade} />
                </td>
                <td data-label="Rate">
                  <Rate bps={loan.rateBps} />
                </td>
                <td data-label="Amount">
                  <Money value={loan.principal} />
                </td>
                <td data-label="Term">{loan.term} × {Math.round(loan.periodSeconds / 86_400)} days</td>
                <td data-label="Status">
                  <StatusBadge status={loan.status} />
                </td>
                <td data-label="Funded">
                  <Progress part={big(loan.funded)} whole={big(loan.principal)} label={`Loan ${loan.loanId} funded`} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager pages={pages} nextCursor={page.data?.nextCursor} labels={['Previous', 'Next']}>
        <span className="muted">Page {pages.page}</span>
      </Pager>
      {filters.minRateBps !== undefined || filters.maxRateBps !== undefined ? (
        <p className="muted small">
          Rates from {filters.minRateBps !== undefined ? formatBps(filters.minRateBps) : '0%'} to{' '}
          {filters.maxRateBps !== undefined ? formatBps(filters.maxRateBps) : 'any'}.
        </p>
      ) : null}
    </>
  )
}
