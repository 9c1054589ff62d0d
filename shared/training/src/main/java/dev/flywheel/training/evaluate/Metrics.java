package dev.flywheel.training.evaluate;

import dev.flywheel.domain.MlTask;
import dev.flywheel.serving.Prediction;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-split metrics of predictions against true labels (class names, or numbers for regression), defined as
 * scikit-learn defines them (checked against its values in the tests). A metric that is undefined on the rows
 * given (AUC with one class present, precision with no positive prediction, R² of a constant target) is null,
 * never a number that looks like a result.
 */
public final class Metrics {
    /** Probabilities are clipped to [EPS, 1 - EPS] for log loss: float64 machine epsilon, as scikit-learn does. */
    private static final double EPS = Math.ulp(1.0);

    private Metrics() {
    }

    public static Map<String, Double> of(MlTask task, List<String> classes, List<Prediction> predictions,
                                         List<String> truth) {
        return switch (task) {
            case BINARY -> binary(classes, predictions, truth);
            case MULTICLASS -> multiclass(classes, predictions, truth);
            case REGRESSION -> regression(predictions, truth);
        };
    }

    static Map<String, Double> binary(List<String> classes, List<Prediction> predictions, List<String> truth) {
        String positive = classes.get(1);
        int n = truth.size();
        double[] score = new double[n];
        boolean[] actual = new boolean[n];
        double logLoss = 0;
        long tp = 0;
        long fp = 0;
        long fn = 0;
        long correct = 0;
        for (int i = 0; i < n; i++) {
            Prediction p = predictions.get(i);
            score[i] = p.probabilities().getOrDefault(positive, 0.0);
            actual[i] = positive.equals(truth.get(i));
            double q = clip(actual[i] ? score[i] : 1 - score[i]);
            logLoss -= Math.log(q);
            boolean predicted = positive.equals(p.label());
            if (predicted == actual[i]) {
                correct++;
            }
            if (predicted && actual[i]) {
                tp++;
            } else if (predicted) {
                fp++;
            } else if (actual[i]) {
                fn++;
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("auc", defined(rocAuc(score, actual)));
        m.put("logloss", n == 0 ? null : logLoss / n);
        m.put("accuracy", n == 0 ? null : (double) correct / n);
        m.put("precision", ratio(tp, tp + fp));
        m.put("recall", ratio(tp, tp + fn));
        m.put("f1", ratio(2 * tp, 2 * tp + fp + fn));
        return m;
    }

    /** ROC AUC by ranks (Mann-Whitney U), ties given their average rank. */
    public static double rocAuc(double[] score, boolean[] positive) {
        int n = score.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(score[a], score[b]));
        double rankSumPositive = 0;
        long positives = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && score[order[j + 1]] == score[order[i]]) {
                j++;
            }
            double averageRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (positive[order[k]]) {
                    rankSumPositive += averageRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (rankSumPositive - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    static Map<String, Double> multiclass(List<String> classes, List<Prediction> predictions, List<String> truth) {
        int n = truth.size();
        long correct = 0;
        double logLoss = 0;
        int k = classes.size();
        long[] tp = new long[k];
        long[] fp = new long[k];
        long[] fn = new long[k];
        long[] actualCount = new long[k];
        long[] predictedCount = new long[k];
        for (int i = 0; i < n; i++) {
            Prediction p = predictions.get(i);
            String actual = truth.get(i);
            logLoss -= Math.log(clip(p.probabilities().getOrDefault(actual, 0.0)));
            int a = classes.indexOf(actual);
            int q = classes.indexOf(p.label());
            if (a >= 0) {
                actualCount[a]++;
            }
            if (q >= 0) {
                predictedCount[q]++;
            }
            if (a == q) {
                correct++;
                tp[a]++;
            } else {
                if (q >= 0) {
                    fp[q]++;
                }
                if (a >= 0) {
                    fn[a]++;
                }
            }
        }
        // Macro F1 averages the classes whose F1 is defined (a class neither present nor predicted has none).
        double f1Sum = 0;
        int defined = 0;
        for (int c = 0; c < k; c++) {
            Double f1 = ratio(2 * tp[c], 2 * tp[c] + fp[c] + fn[c]);
            if (f1 != null) {
                f1Sum += f1;
                defined++;
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("accuracy", n == 0 ? null : (double) correct / n);
        m.put("macroF1", defined == 0 ? null : f1Sum / defined);
        m.put("logloss", n == 0 ? null : logLoss / n);
        m.put("kappa", kappa(correct, n, actualCount, predictedCount));
        return m;
    }

    /**
     * Cohen's kappa: agreement beyond what chance gives with the same class frequencies (0 for a model that ignores
     * its input, 1 for a perfect one); undefined when chance agreement is certain.
     */
    private static Double kappa(long correct, int n, long[] actualCount, long[] predictedCount) {
        if (n == 0) {
            return null;
        }
        double chance = 0;
        for (int c = 0; c < actualCount.length; c++) {
            chance += (double) actualCount[c] * predictedCount[c] / ((double) n * n);
        }
        double observed = (double) correct / n;
        return chance >= 1 ? null : (observed - chance) / (1 - chance);
    }

    static Map<String, Double> regression(List<Prediction> predictions, List<String> truth) {
        int n = truth.size();
        double sse = 0;
        double sae = 0;
        double mean = 0;
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = Double.parseDouble(truth.get(i));
            mean += y[i] / n;
        }
        double sst = 0;
        for (int i = 0; i < n; i++) {
            double e = predictions.get(i).value() - y[i];
            sse += e * e;
            sae += Math.abs(e);
            sst += (y[i] - mean) * (y[i] - mean);
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("rmse", n == 0 ? null : Math.sqrt(sse / n));
        m.put("mae", n == 0 ? null : sae / n);
        m.put("r2", sst == 0 ? null : 1 - sse / sst);
        return m;
    }

    /** {@code numerator / denominator}, or null (undefined) when the denominator is 0. */
    private static Double ratio(long numerator, long denominator) {
        return denominator == 0 ? null : (double) numerator / denominator;
    }

    private static Double defined(double value) {
        return Double.isNaN(value) ? null : value;
    }

    private static double clip(double p) {
        return Math.min(1 - EPS, Math.max(EPS, p));
    }
}
