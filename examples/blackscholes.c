/* Black-Scholes European option price (PARSEC/AxBench "blackscholes"), with the classic
 * polynomial approximation of the cumulative normal distribution (Abramowitz & Stegun 26.2.17). */
#include <math.h>

#pragma nsc entry(blackscholes)
#pragma nsc range(spot, 10, 100)
#pragma nsc range(strike, 10, 100)
#pragma nsc range(rate, 0.01, 0.1)
#pragma nsc range(volatility, 0.05, 0.65)
#pragma nsc range(years, 0.1, 2.0)
#pragma nsc range(is_put, 0, 1)

static const float inv_sqrt_2pi = 0.39894228040143267794f;

static float cndf(float x)
{
    int negative = x < 0.0f;
    if (negative)
        x = -x;
    float k = 1.0f / (1.0f + 0.2316419f * x);
    float poly = k * (0.319381530f
               + k * (-0.356563782f + k * (1.781477937f + k * (-1.821255978f + k * 1.330274429f))));
    float n = 1.0f - inv_sqrt_2pi * expf(-0.5f * x * x) * poly;
    return negative ? 1.0f - n : n;
}

float blackscholes(float spot, float strike, float rate, float volatility, float years, int is_put)
{
    float sqrt_t = sqrtf(years);
    float d1 = (logf(spot / strike) + (rate + 0.5f * volatility * volatility) * years)
             / (volatility * sqrt_t);
    float d2 = d1 - volatility * sqrt_t;
    float discounted = strike * expf(-rate * years);
    if (!is_put)
        return spot * cndf(d1) - discounted * cndf(d2);
    return discounted * (1.0f - cndf(d2)) - spot * (1.0f - cndf(d1));
}
