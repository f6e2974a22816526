/* LU decomposition with partial pivoting and back substitution in the style of the first
   Numerical Recipes: helpers that take fixed-size arrays and an out-parameter, a pivot swap,
   and a right-hand side solved in place (inout). */
#include <math.h>
#define N 4
#pragma nsc range(a, -2, 2)
#pragma nsc range(b, -1, 1)
#pragma nsc inout(b)
int ludcmp(double a[N][N], int indx[N], double *d) {
  int i, imax = 0, j, k; double big, dum, sum, temp, vv[N];
  *d = 1.0;
  for (i = 0; i < N; i++) { big = 0.0;
    for (j = 0; j < N; j++) if ((temp = fabs(a[i][j])) > big) big = temp;
    if (big == 0.0) return 0;
    vv[i] = 1.0 / big; }
  for (j = 0; j < N; j++) {
    for (i = 0; i < j; i++) { sum = a[i][j]; for (k = 0; k < i; k++) sum -= a[i][k] * a[k][j]; a[i][j] = sum; }
    big = 0.0;
    for (i = j; i < N; i++) { sum = a[i][j]; for (k = 0; k < j; k++) sum -= a[i][k] * a[k][j]; a[i][j] = sum;
      if ((dum = vv[i] * fabs(sum)) >= big) { big = dum; imax = i; } }
    if (j != imax) { for (k = 0; k < N; k++) { dum = a[imax][k]; a[imax][k] = a[j][k]; a[j][k] = dum; }
      *d = -(*d); vv[imax] = vv[j]; }
    indx[j] = imax;
    if (a[j][j] == 0.0) a[j][j] = 1e-20;
    if (j != N - 1) { dum = 1.0 / (a[j][j]); for (i = j + 1; i < N; i++) a[i][j] *= dum; }
  }
  return 1;
}
void lubksb(double a[N][N], int indx[N], double b[N]) {
  int i, ii = -1, ip, j; double sum;
  for (i = 0; i < N; i++) { ip = indx[i]; sum = b[ip]; b[ip] = b[i];
    if (ii >= 0) for (j = ii; j <= i - 1; j++) sum -= a[i][j] * b[j];
    else if (sum) ii = i;
    b[i] = sum; }
  for (i = N - 1; i >= 0; i--) { sum = b[i]; for (j = i + 1; j < N; j++) sum -= a[i][j] * b[j]; b[i] = sum / a[i][i]; }
}
double solve(const double a[N][N], double b[N]) {
#pragma nsc entry(solve)
  double lu[N][N]; int indx[N]; double d;
  for (int i = 0; i < N; i++) for (int j = 0; j < N; j++) lu[i][j] = a[i][j];
  if (!ludcmp(lu, indx, &d)) return 0;
  lubksb(lu, indx, b);
  for (int i = 0; i < N; i++) d *= lu[i][i];
  return d;
}
