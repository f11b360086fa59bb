import { isRouteErrorResponse, Link, useRouteError } from 'react-router'

export function RouteError() {
  const error = useRouteError()
  const text = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : String(error)
  return (
    <main className="main">
      <h1>Something went wrong</h1>
      <p className="notice notice-error">{text}</p>
      <p>
        <Link to="/">Back to the home page</Link>
      </p>
    </main>
  )
}
