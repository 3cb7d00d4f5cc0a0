package metrics

import "strconv"

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', 4, 64) }
