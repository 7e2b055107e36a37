import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/access.decorators';

/** For load balancers and monitoring: 200 when the database answers, 503 when it does not. */
@Controller('healthz')
export class HealthController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @Public()
  async check(@Res() res: Response): Promise<void> {
    try {
      if (!this.dataSource.isInitialized) throw new Error('not connected');
      await this.dataSource.query('SELECT 1');
      res.status(200).json({ status: 'ok', database: 'up' });
    } catch {
      res.status(503).json({ status: 'error', database: 'down' });
    }
  }
}
