package dev.flywheel.training.preprocess;

import dev.flywheel.domain.RowSet;
import dev.flywheel.domain.SplitSpec;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.store.Hashing;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Assigns rows to train, validation or test as a {@link SplitSpec} says: the sha256 of the salt, a NUL byte and
 * the row's identity, read as a number u in [0, 1): test when u < test, validation when u < test + validation,
 * train otherwise. A row's identity is the canonical text of its identity columns, each written as
 * {@code <length>:<text>} so that no two rows with different values share one. Not thread-safe (one digest).
 */
public final class RowSplitter {
    public static final byte TRAIN = 0;
    public static final byte VALIDATION = 1;
    public static final byte TEST = 2;
    public static final List<String> PART_NAMES = List.of("train", "validation", "test");

    private final SplitSpec spec;
    private final int[] identityIndex;
    private final byte[] salt;
    private final MessageDigest digest = Hashing.sha256Digest();
    private final StringBuilder identity = new StringBuilder(128);

    private RowSplitter(SplitSpec spec, int[] identityIndex) {
        this.spec = spec;
        this.identityIndex = identityIndex;
        byte[] s = spec.salt().getBytes(StandardCharsets.UTF_8);
        this.salt = java.util.Arrays.copyOf(s, s.length + 1);
    }

    /**
     * @param header the columns of the rows this splitter will see, in order
     * @throws InvalidInputException when an identity column is not among them
     */
    public static RowSplitter of(SplitSpec spec, List<String> header) {
        if (!SplitSpec.SCHEME.equals(spec.scheme())) {
            throw new InvalidInputException("split scheme '" + spec.scheme() + "' is not known to this Flywheel ("
                    + SplitSpec.SCHEME + ")");
        }
        int[] index = new int[spec.identityColumns().size()];
        for (int i = 0; i < index.length; i++) {
            index[i] = header.indexOf(spec.identityColumns().get(i));
            if (index[i] < 0) {
                throw new InvalidInputException("identity column '" + spec.identityColumns().get(i)
                        + "' is not among the columns " + header);
            }
        }
        return new RowSplitter(spec, index);
    }

    /** Whether rows with {@code header} carry every identity column of the spec. */
    public static boolean covers(SplitSpec spec, List<String> header) {
        return header.containsAll(spec.identityColumns());
    }

    public SplitSpec spec() {
        return spec;
    }

    /** The identity of a row given as all its values, in header order. */
    public String identity(String[] values) {
        identity.setLength(0);
        for (int i : identityIndex) {
            String v = values[i] == null ? "" : values[i];
            identity.append(v.length()).append(':').append(v);
        }
        return identity.toString();
    }

    /** {@link #TRAIN}, {@link #VALIDATION} or {@link #TEST} for a row's identity. */
    public byte part(String identity) {
        digest.reset();
        digest.update(salt);
        byte[] h = digest.digest(identity.getBytes(StandardCharsets.UTF_8));
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | (h[i] & 0xff);
        }
        double u = (bits >>> 11) * 0x1.0p-53;
        return u < spec.test() ? TEST : u < spec.test() + spec.validation() ? VALIDATION : TRAIN;
    }

    /** The part of a row given as all its values. */
    public byte part(String[] values) {
        return part(identity(values));
    }

    /** Names a set of rows by their identity hashes: the count, and the sha256 of the sorted hashes, one a line. */
    public static RowSet rowSet(java.util.Collection<String> identityHashes) {
        MessageDigest d = Hashing.sha256Digest();
        identityHashes.stream().sorted().forEach(h -> d.update((h + "\n").getBytes(StandardCharsets.US_ASCII)));
        return new RowSet(identityHashes.size(), Hashing.hex(d.digest()));
    }

    /** The unsalted sha256 of a row's identity: how evidence names rows without copying them. */
    public String identityHash(String identity) {
        digest.reset();
        return Hashing.hex(digest.digest(identity.getBytes(StandardCharsets.UTF_8)));
    }
}
