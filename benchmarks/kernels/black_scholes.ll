; black_scholes.c written by hand as instrumented LLVM IR (nsc's protocol: fuel at every
; function entry, a trap check after every call to a function of the module).
@__nsc_fuel = global i64 0
@__nsc_trap = global i32 0

declare double @exp(double)
declare double @log(double)
declare double @llvm.sqrt.f64(double)
declare double @llvm.fabs.f64(double)

define internal double @pdf(double %x) {
entry:
  %fuel = load i64, ptr @__nsc_fuel
  %fuel1 = sub i64 %fuel, 1
  store i64 %fuel1, ptr @__nsc_fuel
  %empty = icmp slt i64 %fuel1, 0
  br i1 %empty, label %nofuel, label %body
nofuel:
  store i32 1, ptr @__nsc_trap
  ret double 0.0
body:
  %m = fmul double -0.5, %x
  %mx = fmul double %m, %x
  %e = call double @exp(double %mx)
  %r = fmul double 0x3FD9884533D43651, %e
  ret double %r
}

define internal double @cnd(double %x) {
entry:
  %fuel = load i64, ptr @__nsc_fuel
  %fuel1 = sub i64 %fuel, 1
  store i64 %fuel1, ptr @__nsc_fuel
  %empty = icmp slt i64 %fuel1, 0
  br i1 %empty, label %nofuel, label %body
nofuel:
  store i32 1, ptr @__nsc_trap
  ret double 0.0
body:
  %ax = call double @llvm.fabs.f64(double %x)
  %t = fmul double 0.2316419, %ax
  %den = fadd double 1.0, %t
  %k = fdiv double 1.0, %den
  %p1 = fmul double 1.330274429, %k
  %p2 = fsub double %p1, 1.821255978
  %p3 = fmul double %p2, %k
  %p4 = fadd double %p3, 1.781477937
  %p5 = fmul double %p4, %k
  %p6 = fsub double %p5, 0.356563782
  %p7 = fmul double %p6, %k
  %poly = fadd double %p7, 0.319381530
  %d = call double @pdf(double %x)
  %trap = load i32, ptr @__nsc_trap
  %trapped = icmp ne i32 %trap, 0
  br i1 %trapped, label %unwind, label %rest
unwind:
  ret double 0.0
rest:
  %dp = fmul double %d, %poly
  %tail = fmul double %dp, %k
  %pos = fcmp ogt double %x, 0.0
  br i1 %pos, label %upper, label %lower
upper:
  %u = fsub double 1.0, %tail
  ret double %u
lower:
  ret double %tail
}

define void @black_scholes(double %S, double %K, double %T, double %r, double %v,
                           ptr %call, ptr %put, ptr %delta, ptr %vega) {
entry:
  %fuel = load i64, ptr @__nsc_fuel
  %fuel1 = sub i64 %fuel, 1
  store i64 %fuel1, ptr @__nsc_fuel
  %empty = icmp slt i64 %fuel1, 0
  br i1 %empty, label %nofuel, label %body
nofuel:
  store i32 1, ptr @__nsc_trap
  ret void
body:
  %sqrt_t = call double @llvm.sqrt.f64(double %T)
  %v_sqrt_t = fmul double %v, %sqrt_t
  %sk = fdiv double %S, %K
  %lsk = call double @log(double %sk)
  %hv = fmul double 0.5, %v
  %hvv = fmul double %hv, %v
  %drift = fadd double %r, %hvv
  %drift_t = fmul double %drift, %T
  %num = fadd double %lsk, %drift_t
  %d1 = fdiv double %num, %v_sqrt_t
  %d2 = fsub double %d1, %v_sqrt_t
  %nr = fneg double %r
  %nrt = fmul double %nr, %T
  %enrt = call double @exp(double %nrt)
  %disc = fmul double %K, %enrt
  %n_d1 = call double @cnd(double %d1)
  %trap1 = load i32, ptr @__nsc_trap
  %trapped1 = icmp ne i32 %trap1, 0
  br i1 %trapped1, label %unwind, label %second
second:
  %n_d2 = call double @cnd(double %d2)
  %trap2 = load i32, ptr @__nsc_trap
  %trapped2 = icmp ne i32 %trap2, 0
  br i1 %trapped2, label %unwind, label %prices
prices:
  %sn1 = fmul double %S, %n_d1
  %dn2 = fmul double %disc, %n_d2
  %c = fsub double %sn1, %dn2
  store double %c, ptr %call
  %one_n2 = fsub double 1.0, %n_d2
  %one_n1 = fsub double 1.0, %n_d1
  %dp = fmul double %disc, %one_n2
  %sp = fmul double %S, %one_n1
  %p = fsub double %dp, %sp
  store double %p, ptr %put
  store double %n_d1, ptr %delta
  %pd1 = call double @pdf(double %d1)
  %trap3 = load i32, ptr @__nsc_trap
  %trapped3 = icmp ne i32 %trap3, 0
  br i1 %trapped3, label %unwind, label %greek
greek:
  %st = fmul double %S, %sqrt_t
  %vg = fmul double %st, %pd1
  store double %vg, ptr %vega
  ret void
unwind:
  ret void
}
