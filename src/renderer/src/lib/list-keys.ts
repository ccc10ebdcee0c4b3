/** Keyboard movement through a list of buttons: one way, for every list the app has. */

/**
 * Arrow keys, Home and End move focus through the buttons of `list` that match `selector` (Tab leaves
 * the list; Enter or Space presses the button). Other keys are left alone.
 */
export function moveFocusInList(event: KeyboardEvent, list: HTMLElement | undefined, selector: string): void {
  if (!list || !['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(event.key)) return
  const buttons = [...list.querySelectorAll<HTMLButtonElement>(selector)]
  const index = buttons.indexOf(event.target as HTMLButtonElement)
  if (index < 0) return
  event.preventDefault()
  const last = buttons.length - 1
  const next =
    event.key === 'Home'
      ? 0
      : event.key === 'End'
        ? last
        : event.key === 'ArrowDown'
          ? Math.min(last, index + 1)
          : Math.max(0, index - 1)
  buttons[next]?.focus()
}
