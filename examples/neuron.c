/* A single logistic neuron with fixed weights: sigmoid(w . x + b). */
#include <math.h>

#pragma nsc entry(neuron)
#pragma nsc range(x, -2.0, 2.0)

static const float weights[4] = {0.8f, -1.2f, 0.5f, 2.0f};
static const float bias = -0.3f;

float neuron(const float x[4])
{
    float z = bias;
    for (int i = 0; i < 4; i++)
        z += weights[i] * x[i];
    return 1.0f / (1.0f + expf(-z));
}
