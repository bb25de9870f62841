// Original file: proto/brook/v1/admin.proto


/**
 * Describe the cluster.
 */
export interface DescribeClusterRequest {
}

/**
 * Describe the cluster.
 */
export interface DescribeClusterRequest__Output {
}
