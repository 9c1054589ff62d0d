package dev.flywheel.ml.evaluate;

import dev.flywheel.ml.MlTask;
import dev.flywheel.ml.model.Prediction;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test-split metrics of predictions against true labels (class names, or numbers for regression). */
public final class Metrics {
    private static final double EPS = 1e-15;

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
        double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
        double recall = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("auc", rocAuc(score, actual));
        m.put("logloss", logLoss / n);
        m.put("accuracy", (double) correct / n);
        m.put("precision", precision);
        m.put("recall", recall);
        m.put("f1", precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall));
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
        for (int i = 0; i < n; i++) {
            Prediction p = predictions.get(i);
            String actual = truth.get(i);
            logLoss -= Math.log(clip(p.probabilities().getOrDefault(actual, 0.0)));
            int a = classes.indexOf(actual);
            int q = classes.indexOf(p.label());
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
        double f1Sum = 0;
        for (int c = 0; c < k; c++) {
            double precision = tp[c] + fp[c] == 0 ? 0 : (double) tp[c] / (tp[c] + fp[c]);
            double recall = tp[c] + fn[c] == 0 ? 0 : (double) tp[c] / (tp[c] + fn[c]);
            f1Sum += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("accuracy", (double) correct / n);
        m.put("macroF1", f1Sum / k);
        m.put("logloss", logLoss / n);
        return m;
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
        m.put("rmse", Math.sqrt(sse / n));
        m.put("mae", sae / n);
        m.put("r2", sst == 0 ? Double.NaN : 1 - sse / sst);
        return m;
    }

    private static double clip(double p) {
        return Math.min(1 - EPS, Math.max(EPS, p));
    }
}
