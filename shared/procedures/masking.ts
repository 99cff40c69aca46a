// How an applicant's name is shown to anyone who holds the application code: enough for the applicant to
// recognise it, too little to identify them (Decree 13/2023). The full name is never stored.

/**
 * Each word's first letter, upper case with its marks, then three asterisks whatever the word's length,
 * so the mask does not give away how long each part of the name is: "NGUYỄN VĂN AN" → "N*** V*** A***".
 */
export function maskName(fullName: string): string {
  return fullName
    .normalize('NFC')
    .trim()
    .split(/\s+/u)
    .filter((word) => word.length > 0)
    .map((word) => `${firstLetter(word).toLocaleUpperCase('vi')}***`)
    .join(' ');
}

/** The first user-perceived letter: a base letter and any combining marks after it. */
function firstLetter(word: string): string {
  const match = /^\p{L}\p{M}*/u.exec(word);
  return match ? match[0] : (word[0] ?? '');
}
