import { useState, type ReactNode } from 'react'

/** Cursor paging as the API pages: the cursors walked so far, the last being the page shown, so going
 *  back needs no cursor of its own from the server. */
export function useCursorPages() {
  const [cursors, setCursors] = useState<(string | null)[]>([null])
  return {
    cursor: cursors[cursors.length - 1] ?? null,
    page: cursors.length,
    back: () => setCursors(cursors.slice(0, -1)),
    forward: (next: string) => setCursors([...cursors, next]),
    reset: () => setCursors([null]),
  }
}

export type CursorPages = ReturnType<typeof useCursorPages>

/** Back and forward buttons over `pages`; forward is offered while the page shown has a next cursor. */
export function Pager(props: {
  pages: CursorPages
  nextCursor: string | null | undefined
  labels: [back: string, forward: string]
  children?: ReactNode
}) {
  const { pages, nextCursor, labels } = props
  return (
    <div className="pager">
      <button type="button" className="button" disabled={pages.page <= 1} onClick={pages.back}>
        {labels[0]}
      </button>
      {props.children}
      <button type="button" className="button" disabled={!nextCursor} onClick={() => nextCursor && pages.forward(nextCursor)}>
        {labels[1]}
      </button>
    </div>
  )
}
