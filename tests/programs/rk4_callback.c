/* A fourth-order Runge-Kutta step over a derivative callback passed as a function pointer,
   50 steps of a damped oscillator whose stiffness is an input. */
typedef void (*derivs_fn)(double t, const double y[2], double dydt[2], double k);
static void osc(double t, const double y[2], double dydt[2], double k) { dydt[0] = y[1]; dydt[1] = -k * y[0] - 0.1 * y[1] + 0.0 * t; }
static void rk4(double y[2], double t, double h, double k, derivs_fn f) {
  double k1[2], k2[2], k3[2], k4[2], yt[2]; int i;
  f(t, y, k1, k);
  for (i = 0; i < 2; i++) yt[i] = y[i] + 0.5 * h * k1[i];
  f(t + 0.5 * h, yt, k2, k);
  for (i = 0; i < 2; i++) yt[i] = y[i] + 0.5 * h * k2[i];
  f(t + 0.5 * h, yt, k3, k);
  for (i = 0; i < 2; i++) yt[i] = y[i] + h * k3[i];
  f(t + h, yt, k4, k);
  for (i = 0; i < 2; i++) y[i] += h / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
}
#pragma nsc range(k, 0.5, 4)
void simulate(double x0, double v0, double k, double *x, double *v) {
  double y[2] = {x0, v0}; double t = 0;
  for (int s = 0; s < 50; s++, t += 0.05) rk4(y, t, 0.05, k, osc);
  *x = y[0]; *v = y[1];
}
