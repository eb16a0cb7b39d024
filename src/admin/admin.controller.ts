import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../common/auth/access.decorators';
import { JobFailurePageDto, ListJobFailuresQueryDto } from './dto/job-failure.dto';
import { JobFailuresService } from './job-failures.service';

@ApiTags('admin')
@Controller('v1/admin')
export class AdminController {
  constructor(private readonly failures: JobFailuresService) {}

  @Get('job-failures')
  @Allow({ platformAdmin: true })
  @ApiOperation({
    summary: 'Jobs that failed for good (platform administrator), newest first',
    description:
      'A job that exhausted its retries, or was dispatched too often without completing, is recorded here with its payload and last error; nothing fails silently.',
  })
  @ApiOkResponse({ type: JobFailurePageDto })
  jobFailures(@Query() query: ListJobFailuresQueryDto) {
    return this.failures.list(query);
  }
}
