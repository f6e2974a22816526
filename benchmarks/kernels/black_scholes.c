/* Black-Scholes prices and two greeks of a European option, one option per call.
 * The oracle benchmark (benchmarks/bench_oracle.py) runs it through nsc and through gcc.
 * black_scholes.ll is the same kernel written by hand as instrumented LLVM IR. */
#include <math.h>

#pragma nsc range(S, 10, 200)
#pragma nsc range(K, 10, 200)
#pragma nsc range(T, 0.1, 2)
#pragma nsc range(r, 0, 0.1)
#pragma nsc range(v, 0.05, 0.6)

/* Standard normal density. */
static double pdf(double x) {
    return 0.3989422804014327 * exp(-0.5 * x * x);
}

/* Cumulative standard normal, Abramowitz-Stegun 26.2.17 (error below 7.5e-8). */
static double cnd(double x) {
    double k = 1.0 / (1.0 + 0.2316419 * fabs(x));
    double poly = 1.330274429;
    poly = poly * k - 1.821255978;
    poly = poly * k + 1.781477937;
    poly = poly * k - 0.356563782;
    poly = poly * k + 0.319381530;
    double tail = pdf(x) * poly * k;
    if (x > 0.0) {
        return 1.0 - tail;
    }
    return tail;
}

void black_scholes(double S, double K, double T, double r, double v,
                   double *call, double *put, double *delta, double *vega) {
    double sqrt_t = sqrt(T);
    double v_sqrt_t = v * sqrt_t;
    double d1 = (log(S / K) + (r + 0.5 * v * v) * T) / v_sqrt_t;
    double d2 = d1 - v_sqrt_t;
    double disc = K * exp(-r * T);
    double n_d1 = cnd(d1);
    double n_d2 = cnd(d2);
    *call = S * n_d1 - disc * n_d2;
    *put = disc * (1.0 - n_d2) - S * (1.0 - n_d1);
    *delta = n_d1;
    *vega = S * sqrt_t * pdf(d1);
}
