/** An error the Sandbox answers with, named and coded as the real service names and codes it. */
export class ServiceError extends Error {
  constructor(
    /** HTTP status. */
    readonly status: number,
    /** The error type: `x-amzn-ErrorType` for Connect, `<Code>` for STS. */
    readonly type: string,
    message: string,
    /** STS only: `Sender` (client) or `Receiver` (server). */
    readonly fault: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender'
  ) {
    super(message)
  }
}

export const invalidParameter = (message: string): ServiceError =>
  new ServiceError(400, 'InvalidParameterException', message)
export const invalidRequest = (message: string): ServiceError =>
  new ServiceError(400, 'InvalidRequestException', message)
export const notFound = (message: string): ServiceError =>
  new ServiceError(404, 'ResourceNotFoundException', message)
