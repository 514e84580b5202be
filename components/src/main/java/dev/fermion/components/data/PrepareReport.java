package dev.fermion.components.data;

import java.util.List;

/**
 * What PrepareCsv decided and why, written as {@code report.json} next to the statistics: the type of each
 * column and how it was decided, and the rejected rows counted by column and reason.
 *
 * @param rows     rows read: valid and rejected
 * @param rejected rows rejected; more than {@code maxRejectedShare} of {@code rows} fails the step
 */
record PrepareReport(
        long rows,
        long valid,
        long rejected,
        double maxRejectedShare,
        List<ColumnDecision> columns,
        List<RejectionSummary.Group> rejections) {
    PrepareReport {
        columns = List.copyOf(columns);
        rejections = List.copyOf(rejections);
    }
}
