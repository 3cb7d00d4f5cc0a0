package metrics

import "math"

// Regression holds the regression metrics of one set of rows.
type Regression struct {
	MAE, RMSE, MAPE, R2 float64
	// MAPESkipped counts rows left out of MAPE because their actual value is 0.
	MAPESkipped float64
}

// NewRegression computes MAE, RMSE, MAPE and R² from actual and predicted values.
//
//	MAE  = Σ w|y−ŷ| / Σ w
//	RMSE = √(Σ w(y−ŷ)² / Σ w)
//	MAPE = Σ w|y−ŷ|/|y| / Σ w, over rows with y ≠ 0 (a fraction, not a percentage)
//	R²   = 1 − Σ w(y−ŷ)² / Σ w(y−ȳ)²; when every y is equal R² is 1 for a perfect fit
//	       and 0 otherwise (scikit-learn's force_finite)
//
// All are NaN on no rows; MAPE is NaN when every actual is 0.
func NewRegression(actual, pred []float64, w []float64) Regression {
	var tw, ae, se, ape, apeW, sy, skipped float64
	for i, y := range actual {
		wi := weight(w, i)
		d := y - pred[i]
		tw += wi
		ae += wi * math.Abs(d)
		se += wi * d * d
		sy += wi * y
		if y == 0 {
			skipped += wi
			continue
		}
		ape += wi * math.Abs(d) / math.Abs(y)
		apeW += wi
	}
	r := Regression{MAE: nan, RMSE: nan, MAPE: ratio(ape, apeW), R2: nan, MAPESkipped: skipped}
	if tw == 0 {
		return r
	}
	r.MAE = ae / tw
	r.RMSE = math.Sqrt(se / tw)
	mean := sy / tw
	var tss float64
	for i, y := range actual {
		d := y - mean
		tss += weight(w, i) * d * d
	}
	switch {
	case tss > 0:
		r.R2 = 1 - se/tss
	case se == 0:
		r.R2 = 1
	default:
		r.R2 = 0
	}
	return r
}
