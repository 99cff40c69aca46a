// The note of a procedure event is shown to the citizen in the timeline: vetted at intake so that it cannot carry
// an ID, CMND or phone number (docs/procedures.md, "Events bound to their sender").

/** The note's length cap, in characters once normalised. */
export const NOTE_MAX_CHARS = 500;

/**
 * Nine or more digits in a row, spaces, dots and dashes between them ignored: a CMND (9), a phone number (10)
 * or a CCCD (12). Dates (`15/01/2025`) and amounts (`1.500.000`, 7 digits) stay below it.
 */
const NUMBER_LIKE_AN_ID = /\d(?:[ .-]*\d){8,}/u;

/** True when the note may be shown to the citizen as it is. */
export function isShowableNote(note: string): boolean {
  return note.length <= NOTE_MAX_CHARS && !NUMBER_LIKE_AN_ID.test(note);
}
