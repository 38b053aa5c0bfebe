// Expands every event of an iCalendar file with node-ical (the parser of MagicMirror and
// many Node apps) and its own expandRecurringEvent (RRULE, EXDATE, RECURRENCE-ID overrides),
// up to a date. Prints one JSON line, [{uid, start (UTC, ISO), status, summary, description}],
// like icaljs_expand.mjs.
// Usage: node nodeical_expand.mjs FILE UNTIL_ISO
import ical from "node-ical";

const [file, untilIso] = process.argv.slice(2);
const until = new Date(untilIso);
const from = new Date("1970-01-01T00:00:00Z");
const found = [];
for (const item of Object.values(ical.sync.parseFile(file))) {
  if (item.type !== "VEVENT" || item.recurrenceid) continue; // overrides: in `recurrences`
  const instances = item.rrule
    ? ical.expandRecurringEvent(item, { from, to: until })
    : [{ start: item.start, event: item }];
  for (const instance of instances) {
    found.push({
      uid: item.uid,
      start: new Date(instance.start).toISOString(),
      status: instance.event.status || "",
      summary: text(instance.event.summary),
      description: text(instance.event.description),
    });
  }
}
// node-ical gives a text with parameters (LANGUAGE, ...) as {params, val}.
function text(value) {
  return typeof value === "object" && value !== null ? value.val : value || "";
}
console.log(JSON.stringify(found));
