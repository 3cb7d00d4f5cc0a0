package tmplfunc

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/awaf/awaf/internal/iac"
)

// The date functions of ARM and Bicep: dateTimeAdd, dateTimeToEpoch and
// dateTimeFromEpoch. utcNow() is not here: its value is the deployment's time.
// The table in table.go binds them; both front ends reach them through it.

// timestampLayouts are the ISO 8601 forms a base timestamp may take, including
// those utcNow() gives with its default format and with 'u' and 's'. A timestamp
// without a zone is read as UTC.
var timestampLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"20060102T150405Z07:00",
	"20060102T150405",
	"2006-01-02Z07:00",
	"2006-01-02",
	"01/02/2006 15:04:05",
	"01/02/2006",
}

// ParseTimestamp reads an ISO 8601 timestamp into UTC.
func ParseTimestamp(s string) (time.Time, error) {
	t := strings.TrimSpace(s)
	for _, layout := range timestampLayouts {
		if v, err := time.Parse(layout, t); err == nil {
			return v.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an ISO 8601 date and time", s)
}

// durationRE is compiled on first use, so commands and scans that never read a
// duration do not pay for it at start-up.
var durationRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^([-+])?P(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$`)
})

// durationUnits are the seconds of each part of an ISO 8601 duration, in the
// regular expression's order. Like ARM, a year is 365 days and a month 30.
var durationUnits = [...]float64{365 * 86400, 30 * 86400, 7 * 86400, 86400, 3600, 60, 1}

// parseDuration reads an ISO 8601 duration such as "P1Y2M", "PT30M" or "-P9D" into
// seconds.
func parseDuration(s string) (float64, error) {
	m := durationRE().FindStringSubmatch(strings.ToUpper(strings.TrimSpace(s)))
	if m == nil || strings.HasSuffix(m[0], "P") || strings.HasSuffix(m[0], "T") {
		return 0, fmt.Errorf("%q is not an ISO 8601 duration (such as P1D or PT1H)", s)
	}
	var secs float64
	for i, part := range m[2:] {
		if part == "" {
			continue
		}
		n, err := strconv.ParseFloat(strings.Replace(part, ",", ".", 1), 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not an ISO 8601 duration: %v", s, err)
		}
		secs += n * durationUnits[i]
	}
	// 10,000 years is more than any date can move and still be a date.
	if secs > 10000*365*86400 {
		return 0, fmt.Errorf("duration %q is longer than 10000 years", s)
	}
	if m[1] == "-" {
		secs = -secs
	}
	return secs, nil
}

// minTime and maxTime bound the dates ARM can represent (.NET DateTime).
var (
	minTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
)

// DateTimeAdd is dateTimeAdd(base, duration, format): base moved by duration, written
// with format (a .NET standard or custom date and time format string). Without a
// format it is written as ISO 8601 in UTC, "2024-01-01T00:00:00Z".
func DateTimeAdd(base, duration string, format *string) (string, error) {
	t, err := ParseTimestamp(base)
	if err != nil {
		return "", err
	}
	secs, err := parseDuration(duration)
	if err != nil {
		return "", err
	}
	// Whole days first: a time.Duration only spans 292 years.
	days := math.Trunc(secs / 86400)
	rest := time.Duration(math.Round((secs - days*86400) * 1e9))
	r := t.AddDate(0, 0, int(days)).Add(rest)
	if r.Before(minTime) || r.After(maxTime) {
		return "", fmt.Errorf("%s plus %s is outside the years 1 to 9999", base, duration)
	}
	if format == nil {
		return isoUTC(r), nil
	}
	return FormatTime(r, *format)
}

// DateTimeToEpoch is dateTimeToEpoch(dateTime): whole seconds since 1970-01-01 UTC.
func DateTimeToEpoch(s string) (int64, error) {
	t, err := ParseTimestamp(s)
	if err != nil {
		return 0, err
	}
	return t.Unix(), nil
}

// DateTimeFromEpoch is dateTimeFromEpoch(epoch): the ISO 8601 time, in UTC, that
// many seconds after 1970-01-01.
func DateTimeFromEpoch(epoch float64) (string, error) {
	if epoch != math.Trunc(epoch) {
		return "", fmt.Errorf("epoch %s is not a whole number of seconds", strconv.FormatFloat(epoch, 'f', -1, 64))
	}
	if epoch < float64(minTime.Unix()) || epoch > float64(maxTime.Unix()) {
		return "", fmt.Errorf("epoch %s is outside the years 1 to 9999", strconv.FormatFloat(epoch, 'f', -1, 64))
	}
	return isoUTC(time.Unix(int64(epoch), 0).UTC()), nil
}

func isoUTC(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.9999999Z")
}

// standardFormats are the .NET standard date and time formats, as the invariant
// culture, which ARM uses, spells them out.
var standardFormats = map[byte]string{
	'd': "MM/dd/yyyy",
	'D': "dddd, dd MMMM yyyy",
	'f': "dddd, dd MMMM yyyy HH:mm",
	'F': "dddd, dd MMMM yyyy HH:mm:ss",
	'g': "MM/dd/yyyy HH:mm",
	'G': "MM/dd/yyyy HH:mm:ss",
	'm': "MMMM dd",
	'M': "MMMM dd",
	'o': "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
	'O': "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
	'r': "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
	'R': "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
	's': "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
	't': "HH:mm",
	'T': "HH:mm:ss",
	'u': "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
	'U': "dddd, dd MMMM yyyy HH:mm:ss",
	'y': "yyyy MMMM",
	'Y': "yyyy MMMM",
}

// FormatTime writes a UTC time with a .NET date and time format string: one of the
// standard one-letter formats, or a custom format (yyyy, MM, dd, HH, mm, ss, fff,
// tt, K, zzz, quoted literals, ...), in the invariant culture.
func FormatTime(t time.Time, format string) (string, error) {
	if format == "" {
		return isoUTC(t), nil
	}
	if len(format) == 1 {
		f, ok := standardFormats[format[0]]
		if !ok {
			return "", fmt.Errorf("%q is not a standard date and time format", format)
		}
		format = f
	}
	t = t.UTC()
	var b strings.Builder
	for i := 0; i < len(format); {
		n, err := writeSpecifier(&b, t, format, i)
		if err != nil {
			return "", err
		}
		i += n
	}
	return b.String(), nil
}

// writeSpecifier writes the custom specifier (a run of one letter, such as "yyyy")
// or the literal at format[i:] and returns how many bytes of format it used.
func writeSpecifier(b *strings.Builder, t time.Time, format string, i int) (int, error) {
	c := format[i]
	n := 1
	for i+n < len(format) && format[i+n] == c {
		n++
	}
	switch c {
	case 'y':
		writeYear(b, t.Year(), n)
	case 'M':
		writeNamed(b, int(t.Month()), t.Month().String(), n)
	case 'd':
		writeNamed(b, t.Day(), t.Weekday().String(), n)
	case 'H':
		writeNumber(b, t.Hour(), n)
	case 'h':
		writeNumber(b, (t.Hour()+11)%12+1, n)
	case 'm':
		writeNumber(b, t.Minute(), n)
	case 's':
		writeNumber(b, t.Second(), n)
	case 'f', 'F':
		return n, writeFraction(b, t, format, c, n)
	case 't':
		writeAMPM(b, t, n)
	case 'K':
		b.WriteString("Z")
		return 1, nil
	case 'z':
		b.WriteString([]string{"+0", "+00", "+00:00"}[min(n, 3)-1])
	case 'g':
		b.WriteString("A.D.")
	case '\'', '"':
		end := strings.IndexByte(format[i+1:], c)
		if end < 0 {
			return 0, fmt.Errorf("format %q has an unclosed quote", format)
		}
		b.WriteString(format[i+1 : i+1+end])
		return end + 2, nil
	case '\\':
		if i+1 >= len(format) {
			return 0, fmt.Errorf("format %q ends with a lone backslash", format)
		}
		b.WriteByte(format[i+1])
		return 2, nil
	case '%':
		// "%d" is the custom specifier d on its own; the % writes nothing.
		return 1, nil
	default:
		b.WriteString(format[i : i+n])
	}
	return n, nil
}

// writeYear writes the year for "y" (last two digits, unpadded), "yy" (last two
// digits) or "yyy..." (at least as many digits as letters).
func writeYear(b *strings.Builder, y, n int) {
	switch n {
	case 1:
		b.WriteString(strconv.Itoa(y % 100))
	case 2:
		fmt.Fprintf(b, "%02d", y%100)
	default:
		fmt.Fprintf(b, "%0*d", n, y)
	}
}

// writeNumber writes v unpadded for one letter, on two digits for more.
func writeNumber(b *strings.Builder, v, n int) {
	if n == 1 {
		b.WriteString(strconv.Itoa(v))
		return
	}
	fmt.Fprintf(b, "%02d", v)
}

// writeNamed writes a month or day: its number for one or two letters, the first
// three letters of its name for three, the whole name for more.
func writeNamed(b *strings.Builder, v int, name string, n int) {
	switch {
	case n <= 2:
		writeNumber(b, v, n)
	case n == 3:
		b.WriteString(name[:3])
	default:
		b.WriteString(name)
	}
}

// writeFraction writes n digits of the second's fraction; F drops trailing zeros.
func writeFraction(b *strings.Builder, t time.Time, format string, c byte, n int) error {
	if n > 7 {
		return fmt.Errorf("format %q has more than 7 %c", format, c)
	}
	frac := fmt.Sprintf("%09d", t.Nanosecond())[:n]
	if c == 'F' {
		frac = strings.TrimRight(frac, "0")
	}
	b.WriteString(frac)
	return nil
}

func writeAMPM(b *strings.Builder, t time.Time, n int) {
	ampm := "AM"
	if t.Hour() >= 12 {
		ampm = "PM"
	}
	if n == 1 {
		ampm = ampm[:1]
	}
	b.WriteString(ampm)
}

func dateTimeAdd(c Call) (*iac.Value, error) {
	base, err := c.str1()
	if err != nil {
		return nil, err
	}
	dur, err := c.str(1)
	if err != nil {
		return nil, err
	}
	var format *string
	if len(c.Args) == 3 {
		f, err := c.str(2)
		if err != nil {
			return nil, err
		}
		format = &f
	}
	out, err := DateTimeAdd(base, dur, format)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Name, err)
	}
	return c.newString(out), nil
}

func dateTimeToEpoch(c Call) (*iac.Value, error) {
	s, err := c.str1()
	if err != nil {
		return nil, err
	}
	n, err := DateTimeToEpoch(s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Name, err)
	}
	return c.newNumber(float64(n)), nil
}

func dateTimeFromEpoch(c Call) (*iac.Value, error) {
	if c.Args[0].Kind != iac.Number {
		return nil, fmt.Errorf("%s: argument 1 must be an integer, found %s", c.Name, c.Args[0].Kind)
	}
	out, err := DateTimeFromEpoch(c.Args[0].Number)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Name, err)
	}
	return c.newString(out), nil
}
