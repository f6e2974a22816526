/* The distance kernel of k-means colour quantization (AxBench "kmeans"): Euclidean distance
 * between a pixel and a cluster centroid in RGB space. */
#include <math.h>

#pragma nsc entry(rgb_distance)
#pragma nsc range(pixel, 0.0, 1.0)
#pragma nsc range(centroid, 0.0, 1.0)

struct rgb {
    float r, g, b;
};

static float square(float v) { return v * v; }

float rgb_distance(struct rgb pixel, const struct rgb *centroid)
{
    float sum = square(pixel.r - centroid->r);
    sum += square(pixel.g - centroid->g);
    sum += square(pixel.b - centroid->b);
    return sqrtf(sum);
}
