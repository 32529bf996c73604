/* How the dashboard writes numbers, money, months and times: one locale, one set of
 * Intl formats, a dash for anything missing. */

export const LOCALE = 'en-US';   // fixed so the figures read the same on every machine

/** Money formats for the dataset's ISO 4217 code (report.json's dataset.currency); without a
 * known code, two decimals and no symbol: a guessed symbol would misstate the data. */
export function moneyFormats(currency) {
  try {
    return {money: new Intl.NumberFormat(LOCALE, {style: 'currency', currency}),
      moneyCompact: new Intl.NumberFormat(LOCALE, {style: 'currency', currency, notation: 'compact',
        maximumFractionDigits: 1})};
  } catch (err) {  // no code, or one Intl does not know
    return {money: new Intl.NumberFormat(LOCALE, {minimumFractionDigits: 2, maximumFractionDigits: 2}),
      moneyCompact: new Intl.NumberFormat(LOCALE, {notation: 'compact', maximumFractionDigits: 1})};
  }
}

export const formats = Object.assign(moneyFormats(null), {
  integer: new Intl.NumberFormat(LOCALE, {maximumFractionDigits: 0}),
  number: new Intl.NumberFormat(LOCALE, {maximumFractionDigits: 2}),
  percent: new Intl.NumberFormat(LOCALE, {style: 'percent', minimumFractionDigits: 1,
    maximumFractionDigits: 1}),
  month: new Intl.DateTimeFormat(LOCALE, {month: 'short', year: 'numeric', timeZone: 'UTC'}),
  monthShort: new Intl.DateTimeFormat(LOCALE, {month: 'short', timeZone: 'UTC'}),
  date: new Intl.DateTimeFormat(LOCALE, {day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC'}),
  dateTime: new Intl.DateTimeFormat(LOCALE, {day: 'numeric', month: 'short', year: 'numeric',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC'}),
});
export const DASH = '\u2013';

/** Money from now on in the dataset's currency (report.json's dataset.currency). */
export function setCurrency(currency) {
  Object.assign(formats, moneyFormats(currency));
}

/** Format a value by kind; null, undefined and non-numbers in numeric kinds read as a dash. */
export function format(kind, value) {
  if (value === null || value === undefined) return DASH;
  if (kind === 'text') return String(value);
  if (typeof value !== 'number' || !Number.isFinite(value)) return DASH;
  return formats[kind].format(value);
}

export function monthLabel(month, style) {
  const match = /^(\d{4})-(\d{2})$/.exec(String(month));
  if (!match) return String(month);
  return formats[style || 'month'].format(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
}

export function dateLabel(text) {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(text));
  if (!match) return String(text);
  return formats.date.format(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
}

/** A recorded local time ('2024-01-05T10:22:01' or with a space) as written, in words. */
export function dateTimeLabel(text) {
  const match = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})/.exec(String(text));
  if (!match) return dateLabel(text);
  const [year, month, day, hour, minute] = match.slice(1).map(Number);
  return formats.dateTime.format(Date.UTC(year, month - 1, day, hour, minute));
}
