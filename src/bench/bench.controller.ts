import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AnyAuthenticated } from '../common/auth/access.decorators';

/**
 * Benchmark baseline only, mounted when BENCH_ENDPOINTS=true: an authenticated POST that does
 * nothing, so that the cost of the HTTP stack (auth, rate limit, JSON) is measured beside each
 * real workload. Never mounted in normal operation.
 */
@ApiExcludeController()
@Controller('bench')
export class BenchController {
  @Post('noop')
  @HttpCode(200)
  @AnyAuthenticated()
  noop(@Body() _body: unknown) {
    return { ok: true };
  }
}
