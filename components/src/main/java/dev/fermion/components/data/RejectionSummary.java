package dev.fermion.components.data;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Rejected rows counted by column and reason, with the first few places of each, mergeable in any order
 * with the same result: counts add up, and the examples kept are always the earliest in source order.
 */
final class RejectionSummary implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Places of each group that a report names. */
    static final int EXAMPLES = 5;

    /** The rows rejected for one reason in one column (empty: the row as a whole), and where the first are. */
    record Group(String column, RejectReason reason, long rows, List<String> lines) {}

    private record Place(String file, long line) implements Comparable<Place>, Serializable {
        private static final Comparator<Place> ORDER =
                Comparator.comparing(Place::file).thenComparingLong(Place::line);

        @Override
        public int compareTo(Place other) {
            return ORDER.compare(this, other);
        }
    }

    private record Key(String column, RejectReason reason) implements Comparable<Key>, Serializable {
        private static final Comparator<Key> ORDER =
                Comparator.comparing(Key::column).thenComparing(Key::reason);

        @Override
        public int compareTo(Key other) {
            return ORDER.compare(this, other);
        }
    }

    private final TreeMap<Key, Long> rows = new TreeMap<>();
    private final TreeMap<Key, TreeSet<Place>> examples = new TreeMap<>();

    void add(Rejection rejection) {
        // A row with two problems of one kind in one column counts once for it.
        new TreeSet<>(rejection.problems().stream()
                        .map(p -> new Key(p.column(), p.reason()))
                        .toList())
                .forEach(key -> add(key, 1, List.of(new Place(rejection.file(), rejection.line()))));
    }

    void merge(RejectionSummary other) {
        other.rows.forEach((key, count) -> add(key, count, other.examples.get(key)));
    }

    private void add(Key key, long count, Iterable<Place> places) {
        rows.merge(key, count, Long::sum);
        TreeSet<Place> kept = examples.computeIfAbsent(key, k -> new TreeSet<>());
        places.forEach(kept::add);
        while (kept.size() > EXAMPLES) {
            kept.pollLast();
        }
    }

    /** Writes the counts and kept places, which {@link #readFrom} restores. */
    void writeTo(DataOutput out) throws IOException {
        out.writeInt(rows.size());
        for (Map.Entry<Key, Long> entry : rows.entrySet()) {
            out.writeUTF(entry.getKey().column());
            out.writeUTF(entry.getKey().reason().name());
            out.writeLong(entry.getValue());
            TreeSet<Place> places = examples.get(entry.getKey());
            out.writeInt(places.size());
            for (Place place : places) {
                out.writeUTF(place.file());
                out.writeLong(place.line());
            }
        }
    }

    static RejectionSummary readFrom(DataInput in) throws IOException {
        RejectionSummary summary = new RejectionSummary();
        int keys = in.readInt();
        for (int i = 0; i < keys; i++) {
            Key key = new Key(in.readUTF(), RejectReason.valueOf(in.readUTF()));
            long count = in.readLong();
            int kept = in.readInt();
            List<Place> places = new ArrayList<>(kept);
            for (int j = 0; j < kept; j++) {
                places.add(new Place(in.readUTF(), in.readLong()));
            }
            summary.add(key, count, places);
        }
        return summary;
    }

    /** The groups, most rows first, then by column and reason. */
    List<Group> groups() {
        List<Group> groups = new ArrayList<>();
        for (Map.Entry<Key, Long> entry : rows.entrySet()) {
            Key key = entry.getKey();
            groups.add(new Group(
                    key.column(),
                    key.reason(),
                    entry.getValue(),
                    examples.get(key).stream()
                            .map(place -> fileName(place.file()) + ":" + place.line())
                            .toList()));
        }
        groups.sort(Comparator.comparingLong(Group::rows).reversed());
        return groups;
    }

    private static String fileName(String file) {
        return file.substring(file.lastIndexOf('/') + 1);
    }

    /** Value equality, which Beam needs to detect mutation of accumulators it holds. */
    @Override
    public boolean equals(Object other) {
        return other instanceof RejectionSummary that && rows.equals(that.rows) && examples.equals(that.examples);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rows, examples);
    }
}
