import { useCallback, useState } from 'react'
import { newIdempotencyKey } from './client'
import { ApiProblem } from './problem'

/** One Idempotency-Key per user action: kept while a request may not have arrived (a network error, so a
 * retry is answered once), renewed once the service has answered. */
export function useIdempotencyKey(): [string, (error: unknown) => void] {
  const [key, setKey] = useState(newIdempotencyKey)
  const settle = useCallback((error: unknown) => {
    if (!error || error instanceof ApiProblem) setKey(newIdempotencyKey())
  }, [])
  return [key, settle]
}
