// RFC 9457 problem details, the one shape of every API error (README "API conventions").

export interface FieldProblem {
  field?: string
  loc?: (string | number)[]
  code?: string
  message?: string
  msg?: string
}

export interface ProblemBody {
  type?: string
  title?: string
  status?: number
  detail?: string
  errors?: FieldProblem[]
  revert?: { error: string | null; args: unknown[]; selector: string | null }
  requestId?: string
  [extension: string]: unknown
}

export class ApiProblem extends Error {
  readonly status: number
  readonly type: string
  readonly title: string
  readonly detail?: string
  readonly body: ProblemBody

  constructor(status: number, body: ProblemBody) {
    super(body.detail ?? body.title ?? `HTTP ${status}`)
    this.name = 'ApiProblem'
    this.status = status
    this.type = body.type ?? 'about:blank'
    this.title = body.title ?? `HTTP ${status}`
    this.detail = body.detail
    this.body = body
  }

  /** The message for a form field (`fullName`, `amount`), when the API named one. */
  fieldMessage(field: string): string | undefined {
    const match = this.body.errors?.find((error) => {
      const name = error.field ?? error.loc?.[error.loc.length - 1]
      return name === field || snakeToCamel(String(name ?? '')) === field
    })
    return match ? (match.message ?? match.msg ?? match.code) : undefined
  }
}

function snakeToCamel(name: string): string {
  return name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase())
}
