"""Venues and the organizations that offer them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 03:30:05.775782
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('organizations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('contact', sa.String(length=200), nullable=True),
    sa.CheckConstraint("kind IN ('community', 'partner')", name='organizations_kind'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    op.create_geospatial_table('venues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=100), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('indoor', sa.Boolean(), nullable=True),
    sa.Column('amenities', postgresql.ARRAY(sa.String(length=32)), server_default='{}', nullable=False),
    sa.Column('opening_hours', sa.String(length=255), nullable=True),
    sa.Column('contact', sa.String(length=200), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('capacity IS NULL OR capacity >= 0', name='venues_capacity'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('external_id')
    )
    op.create_index(op.f('ix_venues_organization_id'), 'venues', ['organization_id'], unique=False)
    op.create_index('venues_amenities_gin', 'venues', ['amenities'], unique=False, postgresql_using='gin')
    op.create_index('venues_geog_gist', 'venues', [sa.literal_column('geography(geom)')], unique=False, postgresql_using='gist')
    op.create_geospatial_index('venues_geom_gist', 'venues', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index('venues_type', 'venues', ['type'], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index('venues_type', table_name='venues')
    op.drop_geospatial_index('venues_geom_gist', table_name='venues', postgresql_using='gist', column_name='geom')
    op.drop_index('venues_geog_gist', table_name='venues', postgresql_using='gist')
    op.drop_index('venues_amenities_gin', table_name='venues', postgresql_using='gin')
    op.drop_index(op.f('ix_venues_organization_id'), table_name='venues')
    op.drop_geospatial_table('venues')
    op.drop_table('organizations')
